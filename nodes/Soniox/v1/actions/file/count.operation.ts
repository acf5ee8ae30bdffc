import { countOperation } from '../collection.operations';
import { files } from '../collections';

export const { description, execute } = countOperation(files);
