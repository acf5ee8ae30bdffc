import { deleteOperation } from '../collection.operations';
import { voices } from '../collections';

export const { description, execute } = deleteOperation(voices);
