// Runs a node like runNode() does, but hands back the execution so that a test can press
// Stop: n8n-core's WorkflowExecute run is a cancelable promise whose cancel() is what n8n
// calls when Stop is clicked in the editor (it aborts the execution's cancel signal).
import type { IRun } from 'n8n-workflow';

import { startExecution, type RunNodeOptions } from '.';

export interface StoppableRun {
	/** What n8n does on Stop. */
	stop(): void;
	/** Settles once the node's own code has returned or thrown, not merely when Stop was pressed. */
	ended: Promise<IRun>;
}

export function startNode(options: RunNodeOptions): StoppableRun {
	const { execution } = startExecution(options);
	return { stop: () => execution.cancel(), ended: Promise.resolve(execution) };
}
