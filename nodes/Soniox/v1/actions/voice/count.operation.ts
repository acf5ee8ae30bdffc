import { countOperation } from '../collection.operations';
import { voices } from '../collections';

export const { description, execute } = countOperation(voices);
