import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';

import { SONIOX_ICON } from './icon';
import { SonioxV1 } from './v1/SonioxV1.node';

export class Soniox extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'Soniox',
			name: 'soniox',
			icon: SONIOX_ICON,
			group: ['transform'],
			description:
				'Transcribe audio and synthesize speech with Soniox, and track usage and cost per customer',
			defaultVersion: 1,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new SonioxV1(),
		};
		super(nodeVersions, baseDescription);
	}
}
