import { getOperation } from '../collection.operations';
import { transcriptions } from '../collections';

export const { description, execute } = getOperation(transcriptions);
