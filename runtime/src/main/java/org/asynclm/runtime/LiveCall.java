package org.asynclm.runtime;

import java.util.Map;
import org.asynclm.runtime.exec.Tool;

/** A call from the moment its block closed. Times relative to the start of decoding; -1 until they happen. */
final class LiveCall {
    final String id;
    final Tool tool;
    final Map<String, Object> arguments;
    final String body;
    final long blockStart;
    final long blockEnd;
    long startedAt = -1;
    long arrivedAt = -1;
    long injectedAt = -1;
    boolean error;

    LiveCall(String id, Tool tool, Map<String, Object> arguments, String body, long blockStart, long blockEnd) {
        this.id = id;
        this.tool = tool;
        this.arguments = arguments;
        this.body = body;
        this.blockStart = blockStart;
        this.blockEnd = blockEnd;
    }

    CallRecord record() {
        return new CallRecord(id, tool.name(), body, blockStart, blockEnd, startedAt, arrivedAt, injectedAt, error);
    }
}
