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

import { additionalDataFor, core, NODE_CREDENTIALS, registry, SONIOX_TRIGGER } from '.';

export interface PollRun {
	items: INodeExecutionData[];
	error?: Error & { description?: string };
}

const NODE = {
	id: 'soniox-trigger',
	name: 'Soniox Trigger',
	type: SONIOX_TRIGGER,
	typeVersion: 1,
	position: [0, 0] as [number, number],
	credentials: NODE_CREDENTIALS,
};

/**
 * One active workflow with the trigger. As in n8n, every poll of an active workflow runs on
 * the same Workflow object and so shares its static data, also when polls overlap; a restart
 * builds a new one from the JSON n8n would have stored.
 */
export class TriggerHarness {
	private staticData: IDataObject = {};

	private active?: Workflow;

	constructor(
		private readonly parameters: INodeParameters,
		private readonly credentials: ICredentialDataDecryptedObject,
		private readonly organizationCredentials?: ICredentialDataDecryptedObject,
	) {}

	private workflow(mode: 'trigger' | 'manual'): Workflow {
		const build = () =>
			new Workflow({
				id: 'trigger-harness',
				nodes: [{ ...NODE, parameters: this.parameters }],
				connections: {},
				active: mode === 'trigger',
				nodeTypes: registry,
				staticData: this.staticData,
			});
		if (mode === 'manual') return build();
		this.active ??= build();
		return this.active;
	}

	/** One poll; mode 'trigger' is an active workflow, 'manual' is "fetch test event". */
	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<PollRun> {
		const workflow = this.workflow(mode);
		const node = workflow.getNode(NODE.name)!;
		const context = new core.PollContext(
			workflow,
			node,
			additionalDataFor(this.credentials, undefined, this.organizationCredentials),
			mode,
			mode === 'trigger' ? 'activate' : 'manual',
		);
		const trigger = registry.getByNameAndVersion(SONIOX_TRIGGER, 1) as INodeType;
		try {
			const result = await trigger.poll?.call(context);
			return { items: result?.[0] ?? [] };
		} catch (error) {
			return { items: [], error: error as PollRun['error'] };
		} finally {
			if (mode === 'trigger') this.staticData = workflow.staticData as IDataObject;
		}
	}

	/** The trigger node's own static data, live (to plant what a crashed poll left behind). */
	nodeData(): IDataObject {
		const workflow = this.workflow('trigger');
		return workflow.getStaticData('node', workflow.getNode(NODE.name)!);
	}

	/** What n8n would store in its database for this workflow's trigger. */
	state(): IDataObject {
		return JSON.parse(JSON.stringify(this.active?.staticData ?? this.staticData)) as IDataObject;
	}

	/** Simulates an n8n restart: the state comes back from JSON. */
	restart() {
		this.staticData = this.state();
		this.active = undefined;
	}
}
