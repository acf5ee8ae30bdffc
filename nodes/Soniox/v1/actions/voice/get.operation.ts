import { getOperation } from '../collection.operations';
import { voices } from '../collections';

export const { description, execute } = getOperation(voices);
