// Faults armed at run time, per route: added latency, a sequence of error statuses (with
// Retry-After for 429), a connection reset mid-body, a malformed JSON body; and, for the
// WebSocket endpoints, a dropped socket or an early 503 termination.
import type { WebSocketFault } from './context';

export interface HttpFaultSpec {
	/** "GET /v1/usage-logs", "POST /v1/transcriptions", "GET /v1/files/:id", "POST /tts" or "*". */
	route: string;
	latencyMs?: number;
	/** Served one per matching request (200 = serve normally), then the route behaves normally. */
	statuses?: number[];
	retryAfterSeconds?: number;
	/** Run the route, send its headers and half its body, then destroy the socket. */
	resetMidBody?: boolean;
	/** Run the route, then answer 200 with its JSON cut in half. */
	malformedJson?: boolean;
	/** How many matching requests the fault applies to (default: statuses' length, else 1). */
	times?: number;
}

export interface WebSocketFaultSpec {
	route: 'WS /transcribe-websocket' | 'WS /tts-websocket';
	kind: WebSocketFault['kind'];
	afterMessages: number;
}

export type FaultSpec = HttpFaultSpec | WebSocketFaultSpec;

/** What the server does to one request. */
export interface AppliedFault {
	latencyMs: number;
	status?: number;
	retryAfterSeconds?: number;
	resetMidBody: boolean;
	malformedJson: boolean;
}

interface Armed {
	spec: HttpFaultSpec;
	served: number;
	times: number;
}

const isWebSocketFault = (spec: FaultSpec): spec is WebSocketFaultSpec =>
	spec.route.startsWith('WS ');

export class Faults {
	private http: Armed[] = [];

	private webSocket: WebSocketFaultSpec[] = [];

	arm(spec: FaultSpec) {
		if (isWebSocketFault(spec)) {
			this.webSocket.push(spec);
			return;
		}
		this.http.push({ spec, served: 0, times: spec.times ?? spec.statuses?.length ?? 1 });
	}

	clear() {
		this.http = [];
		this.webSocket = [];
	}

	/** The fault for a request to `routeKey` (e.g. "GET /v1/files/:id"), consumed once. */
	takeHttp(routeKey: string): AppliedFault | undefined {
		const armed = this.http.find(
			(fault) => fault.spec.route === routeKey || fault.spec.route === '*',
		);
		if (!armed) return undefined;
		const { spec } = armed;
		const status = spec.statuses?.[armed.served % spec.statuses.length];
		armed.served++;
		if (armed.served >= armed.times) this.http.splice(this.http.indexOf(armed), 1);
		return {
			latencyMs: spec.latencyMs ?? 0,
			status,
			retryAfterSeconds: spec.retryAfterSeconds,
			resetMidBody: spec.resetMidBody ?? false,
			malformedJson: spec.malformedJson ?? false,
		};
	}

	takeWebSocket(path: '/transcribe-websocket' | '/tts-websocket'): WebSocketFault | undefined {
		const index = this.webSocket.findIndex((fault) => fault.route === `WS ${path}`);
		if (index < 0) return undefined;
		const [spec] = this.webSocket.splice(index, 1);
		return { kind: spec.kind, afterMessages: spec.afterMessages };
	}
}
