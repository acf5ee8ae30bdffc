// Runs a node like runNode() does, but hands back the execution so that a test can press
// Stop: n8n-core's WorkflowExecute run is a cancelable promise whose cancel() is what n8n
// calls when Stop is clicked in the editor (it aborts the execution's cancel signal).
import type { INode, IRun } from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';

import { additionalDataFor, core, registry, SONIOX_NODE, type RunNodeOptions } from '.';

export interface StoppableRun {
	/** What n8n does on Stop. */
	stop(): void;
	/** Settles once the node's own code has returned or thrown, not merely when Stop was pressed. */
	ended: Promise<IRun>;
}

export function startNode(options: RunNodeOptions): StoppableRun {
	const node: INode = {
		id: 'soniox-node',
		name: 'Soniox',
		type: options.nodeType ?? SONIOX_NODE,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { sonioxSuiteApi: { id: '1', name: 'Soniox account' } },
	};
	const workflow = new Workflow({
		id: 'harness',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: registry,
		settings: { binaryMode: 'separate' },
	});
	const hooks = new core.ExecutionLifecycleHooks('manual', 'harness-execution', {
		id: 'harness',
		name: 'harness',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	} as never);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node, data: { main: [options.items ?? [{ json: {} }]] }, source: null },
			],
		},
	});
	const execute = new core.WorkflowExecute(
		additionalDataFor(options.credentials ?? {}, hooks),
		'manual',
		runExecutionData,
	);
	const run = execute.processRunExecutionData(workflow);
	return { stop: () => run.cancel(), ended: Promise.resolve(run) };
}
