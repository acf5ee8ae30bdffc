import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest, type SonioxContext } from '../../transport';

export type CleanupTarget = 'file' | 'transcription';

export const cleanupField: INodeProperties = {
	displayName: 'Clean Up',
	name: 'cleanup',
	type: 'multiOptions',
	options: [
		{ name: 'Delete the Uploaded File', value: 'file' },
		{ name: 'Delete the Transcription', value: 'transcription' },
	] satisfies Array<{ name: string; value: CleanupTarget }>,
	default: ['file', 'transcription'],
	description:
		'What to delete from Soniox once the transcript is fetched (also when Soniox refuses or fails it). Soniox keeps at most 1,000 files and 2,000 transcriptions per project, so a scheduled workflow that keeps them fills up.',
};

/** Deletes what the user asked to, and says how each deletion went; never throws. */
export async function cleanUp(
	this: SonioxContext,
	targets: CleanupTarget[],
	transcriptionId: string | undefined,
	fileId: string | undefined,
) {
	const done: IDataObject = {};
	const remove = async (name: string, path: string) => {
		try {
			await sonioxApiRequest.call(this, { method: 'DELETE', path, afterStop: true });
			done[name] = 'deleted';
		} catch (error) {
			// Already gone (e.g. a second call from Soniox cleaned up first): what was asked.
			const gone = (error as { httpCode?: string }).httpCode === '404';
			done[name] = gone ? 'deleted' : `not deleted: ${(error as Error).message}`;
		}
	};
	if (targets.includes('transcription') && transcriptionId)
		await remove('transcription', `/v1/transcriptions/${transcriptionId}`);
	if (targets.includes('file') && fileId) await remove('file', `/v1/files/${fileId}`);
	return Object.keys(done).length ? { cleanup: done } : {};
}
