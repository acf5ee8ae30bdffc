import { getManyOperation } from '../collection.operations';
import { transcriptions } from '../collections';

export const { description, execute } = getManyOperation(transcriptions);
