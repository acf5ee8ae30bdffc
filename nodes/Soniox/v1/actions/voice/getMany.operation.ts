import { getManyOperation } from '../collection.operations';
import { voices } from '../collections';

export const { description, execute } = getManyOperation(voices);
