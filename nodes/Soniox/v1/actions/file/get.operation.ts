import { getOperation } from '../collection.operations';
import { files } from '../collections';

export const { description, execute } = getOperation(files);
