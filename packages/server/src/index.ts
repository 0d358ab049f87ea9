/**
 * @fedstack/server: what every service of the platform runs on, the router and the subgraphs alike.
 * The HTTP server and its lifecycle, settings readers, the error contract, the logger, metrics, tracing,
 * and the signing that lets a subgraph trust the router. Nothing here knows MongoDB or federation.
 */
export { ConfigError, developmentSigningSecret, loadCommonConfig, readBoolean, readEnum, readInt, readList, readMaxPageSize, readNumber, readPort, readSecret, readString, readUrl } from './config';
export type { CommonConfig, Env } from './config';
export { badUserInput, codedError, createErrorFormatter, ErrorCode, errorStatus, isPublicCode, requestError, useErrorReporting } from './errors';
export type { FailureRecognizer } from './errors';
export { graphqlPath, GraphQLService } from './httpServer';
export type { AdmissionTicket, GraphQLServiceOptions, PreparedRequest, Readiness, RequestAdmission, RequestScope, RouteHandler, ServiceState } from './httpServer';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { createMetrics, durationBuckets, useRequestMetrics } from './metrics';
export type { Metrics } from './metrics';
export { runUntilSignalled } from './runUntilSignalled';
export { signatureHeaders, signRequest, verifyRequestSignature } from './signing';
export type { SignatureCheck, SignedParts } from './signing';
export { continueTrace, randomHex, traceparentOf } from './tracing';
export type { TraceContext } from './tracing';
export { adminRole, anonymous, isAdmin, viewerFromHeaders } from './viewer';
export type { Viewer } from './viewer';
