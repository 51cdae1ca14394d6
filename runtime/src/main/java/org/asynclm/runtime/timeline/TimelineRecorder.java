package org.asynclm.runtime.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Records a session's timeline as Chrome trace events: the model's decode, prefill and wait spans on one track,
 * calls on as many lanes as ran at once, interrupts and traps as instants. Adjacent decode tokens merge into one
 * span so a timeline stays small.
 */
public final class TimelineRecorder implements Timeline {

    /** One trace event; {@code lane} 0 is the model, lanes from 1 hold calls. Times in nanoseconds. */
    public record Event(String name, String category, int lane, long start, long end, boolean instant, String args) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Long> laneFreeAt = new ArrayList<>();
    private long decodeStart = -1;
    private long decodeEnd = -1;

    @Override
    public void decode(long start, long end) {
        if (decodeEnd == start) {
            decodeEnd = end;
            return;
        }
        flushDecode();
        decodeStart = start;
        decodeEnd = end;
    }

    private void flushDecode() {
        if (decodeStart >= 0) {
            events.add(new Event("decode", "model", 0, decodeStart, decodeEnd, false, null));
            decodeStart = -1;
            decodeEnd = -1;
        }
    }

    @Override
    public void prefill(long start, long end, int tokens) {
        flushDecode();
        events.add(new Event("prefill", "model", 0, start, end, false, "{\"tokens\":" + tokens + "}"));
    }

    @Override
    public void waiting(long start, long end, String reason) {
        flushDecode();
        events.add(new Event("wait: " + reason, "model", 0, start, end, false, null));
    }

    @Override
    public void call(String id, String function, long start, long end, boolean error) {
        int lane = 0;
        while (lane < laneFreeAt.size() && laneFreeAt.get(lane) > start) {
            lane++;
        }
        if (lane == laneFreeAt.size()) {
            laneFreeAt.add(end);
        } else {
            laneFreeAt.set(lane, end);
        }
        String name = (id == null ? "" : id + ": ") + function + (error ? " (error)" : "");
        events.add(new Event(name, "call", lane + 1, start, end, false, null));
    }

    @Override
    public void interrupt(long at, String id, String kind) {
        flushDecode();
        events.add(new Event("interrupt " + id, kind, 0, at, at, true, null));
    }

    @Override
    public void trap(long at) {
        flushDecode();
        events.add(new Event("trap", "trap", 0, at, at, true, null));
    }

    public List<Event> events() {
        flushDecode();
        return List.copyOf(events);
    }

    public int callLanes() {
        return laneFreeAt.size();
    }
}
