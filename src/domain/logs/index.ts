// CloudWatch Logs: log groups and streams as store records, their events in the event store
// (store/log-events.ts), over the same store and cache as ECS.
export { createLogGroup, deleteLogGroup, describeLogGroups, putRetentionPolicy, deleteRetentionPolicy, tagLogGroup, untagLogGroup, listTagsLogGroup, tagResource, untagResource, listTagsForResource } from "./groups.js";
export { createLogStream, deleteLogStream, describeLogStreams, streamsOf, type StreamView } from "./streams.js";
export { putLogEvents, getLogEvents, filterLogEvents, readStreamSince, type LogEventView, type FilteredEvent } from "./events.js";
export { startLiveTail, liveTailSubscriptions, type LiveTailSession, type LiveTailOutput, type SessionStartView } from "./live-tail.js";
export { liveTailHub, type LiveTailOptions } from "./live-tail-hub.js";
export { type SessionUpdate, type TailEvent } from "./live-tail-rules.js";
export { sweepExpiredLogEvents } from "./retention.js";
export { parseFilterPattern, FilterPatternError } from "./filter-pattern.js";
export { decidePut } from "./put-rules.js";
export { logsKeys, type LogsDeps, type LogsReplication, type LogGroupRecord, type LogStreamRecord } from "./records.js";
export { followLogsJournal, parseLogsEntry, LOGS_TOPIC, type LogsEntry } from "./replication.js";
