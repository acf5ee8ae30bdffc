// Faults armed at run time, per route: added latency, a sequence of error statuses (with
// Retry-After for 429), a connection reset mid-body, a malformed JSON body; and, for the
// WebSocket endpoints, a dropped socket or an early 503 termination.
import type { WebSocketFault } from './context';

export interface HttpFaultSpec {
	/**
	 * Which requests: a route as in the route table ("GET /v1/files/:id", "POST /tts"), a
	 * concrete request ("GET /v1/files/3f2…"), or "*" for every request.
	 */
	route: string;
	latencyMs?: number;
	/**
	 * Served one per matching request, then the route behaves normally again; a status below
	 * 400 means "serve this one normally". Repeats when `times` is larger than the list.
	 */
	statuses?: number[];
	retryAfterSeconds?: number;
	/** Run the route, send its headers and part of its body, then destroy the socket. */
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

/** Arming faults in-process; the control endpoint does the same over HTTP. */
export interface FaultApi {
	arm(spec: FaultSpec): void;
	clear(): void;
	/** The faults still armed, with how many requests each has left. */
	armed(): Array<FaultSpec & { remaining: number }>;
}

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

const WEB_SOCKET_ROUTES = ['WS /transcribe-websocket', 'WS /tts-websocket'];

const isWebSocketFault = (spec: FaultSpec): spec is WebSocketFaultSpec =>
	spec.route.startsWith('WS ');

const isCount = (value: unknown) =>
	typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Problems with a fault spec (empty when it can be armed). */
export function faultSpecProblems(value: unknown): string[] {
	if (!value || typeof value !== 'object') return ['a fault is a JSON object'];
	const spec = value as Record<string, unknown>;
	if (typeof spec.route !== 'string' || spec.route === '') return ['route is required'];
	const problems: string[] = [];
	if (spec.route.startsWith('WS ')) {
		if (!WEB_SOCKET_ROUTES.includes(spec.route))
			problems.push(`route must be one of ${WEB_SOCKET_ROUTES.join(', ')}`);
		if (spec.kind !== 'drop' && spec.kind !== 'terminate503')
			problems.push("kind must be 'drop' or 'terminate503'");
		if (!isCount(spec.afterMessages)) problems.push('afterMessages must be an integer >= 0');
		return problems;
	}
	if (spec.route !== '*' && !/^[A-Z]+ \/\S*$/.test(spec.route))
		problems.push('route must be "*" or "METHOD /path"');
	if (spec.latencyMs !== undefined && !isCount(spec.latencyMs))
		problems.push('latencyMs must be an integer >= 0');
	if (
		spec.statuses !== undefined &&
		(!Array.isArray(spec.statuses) ||
			spec.statuses.length === 0 ||
			!spec.statuses.every((status) => Number.isInteger(status) && status >= 100 && status <= 599))
	)
		problems.push('statuses must be a non-empty list of HTTP statuses');
	if (spec.retryAfterSeconds !== undefined && !isCount(spec.retryAfterSeconds))
		problems.push('retryAfterSeconds must be an integer >= 0');
	if (spec.times !== undefined && (!isCount(spec.times) || spec.times === 0))
		problems.push('times must be a positive integer');
	for (const flag of ['resetMidBody', 'malformedJson'])
		if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean')
			problems.push(`${flag} must be a boolean`);
	return problems;
}

export class Faults {
	private http: Armed[] = [];

	private webSocket: WebSocketFaultSpec[] = [];

	arm(spec: FaultSpec) {
		const problems = faultSpecProblems(spec);
		if (problems.length > 0) throw new TypeError(`Invalid fault: ${problems.join('; ')}`);
		if (isWebSocketFault(spec)) {
			this.webSocket.push({ ...spec });
			return;
		}
		this.http.push({
			spec: { ...spec },
			served: 0,
			times: spec.times ?? spec.statuses?.length ?? 1,
		});
	}

	clear() {
		this.http = [];
		this.webSocket = [];
	}

	armed(): Array<FaultSpec & { remaining: number }> {
		return [
			...this.http.map((fault) => ({ ...fault.spec, remaining: fault.times - fault.served })),
			...this.webSocket.map((fault) => ({ ...fault, remaining: 1 })),
		];
	}

	/**
	 * The fault for one request, consumed once: the first armed fault whose route is the
	 * request's route pattern (e.g. "GET /v1/files/:id"), its concrete "METHOD /path", or "*".
	 */
	takeHttp(routeKey: string, concrete = routeKey): AppliedFault | undefined {
		const armed = this.http.find(
			(fault) =>
				fault.spec.route === routeKey || fault.spec.route === concrete || fault.spec.route === '*',
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
