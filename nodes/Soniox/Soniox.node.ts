import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';

import { SONIOX_ICON } from './icon';
import { SonioxV1 } from './v1/SonioxV1.node';

/** What every version shares; each version's description starts from it. */
export const sonioxBaseDescription: INodeTypeBaseDescription = {
	displayName: 'Soniox',
	name: 'soniox',
	icon: SONIOX_ICON,
	group: ['transform'],
	description:
		'Transcribe audio and synthesize speech with Soniox, and track usage and cost per customer',
	defaultVersion: 1,
};

export class Soniox extends VersionedNodeType {
	constructor() {
		const nodeVersions: IVersionedNodeType['nodeVersions'] = { 1: new SonioxV1() };
		super(nodeVersions, sonioxBaseDescription);
	}
}
