// Runs the Soniox Trigger's poll the way n8n does: n8n-core's PollContext, the workflow's
// static data kept between polls (and, optionally, through JSON as when n8n restarts).
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { additionalDataFor, core, registry, SONIOX_TRIGGER } from '.';

export interface PollRun {
	items: INodeExecutionData[];
	error?: Error & { description?: string };
}

export class TriggerHarness {
	private staticData: IDataObject = {};

	constructor(
		private readonly parameters: INodeParameters,
		private readonly credentials: ICredentialDataDecryptedObject,
	) {}

	/** One poll; mode 'trigger' is an active workflow, 'manual' is "fetch test event". */
	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<PollRun> {
		const node = {
			id: 'soniox-trigger',
			name: 'Soniox Trigger',
			type: SONIOX_TRIGGER,
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: this.parameters,
			credentials: { sonioxSuiteApi: { id: '1', name: 'Soniox account' } },
		};
		const workflow = new Workflow({
			id: 'trigger-harness',
			nodes: [node],
			connections: {},
			active: mode === 'trigger',
			nodeTypes: registry,
			staticData: this.staticData,
		});
		const context = new core.PollContext(
			workflow,
			node,
			additionalDataFor(this.credentials),
			mode,
			mode === 'trigger' ? 'activate' : 'manual',
		);
		const trigger = registry.getByNameAndVersion(SONIOX_TRIGGER, 1) as INodeType;
		try {
			const result = await trigger.poll?.call(context);
			this.staticData = workflow.staticData as IDataObject;
			return { items: result?.[0] ?? [] };
		} catch (error) {
			return { items: [], error: error as PollRun['error'] };
		}
	}

	/** What n8n would store in its database for this workflow's trigger. */
	state(): IDataObject {
		return JSON.parse(JSON.stringify(this.staticData)) as IDataObject;
	}

	/** Simulates an n8n restart: the state comes back from JSON. */
	restart() {
		this.staticData = this.state();
	}
}
