import { deleteOperation } from '../collection.operations';
import { files } from '../collections';

export const { description, execute } = deleteOperation(files);
