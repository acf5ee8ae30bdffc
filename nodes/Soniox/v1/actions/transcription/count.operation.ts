import { countOperation } from '../collection.operations';
import { transcriptions } from '../collections';

export const { description, execute } = countOperation(transcriptions);
