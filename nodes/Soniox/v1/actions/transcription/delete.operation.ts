import { deleteOperation } from '../collection.operations';
import { transcriptions } from '../collections';

export const { description, execute } = deleteOperation(transcriptions);
