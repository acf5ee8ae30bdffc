import { getManyOperation } from '../collection.operations';
import { files } from '../collections';

export const { description, execute } = getManyOperation(files);
