package org.asynclm.runtime.remote;

import java.util.ArrayList;
import java.util.List;

/**
 * Server-sent events as they arrive, in chunks cut anywhere (inside a line, between "\r" and "\n"): {@link #feed}
 * returns the data of every event the chunk completed. An event is its {@code data:} lines joined by "\n", ended by
 * a blank line; comments (":" lines) and other fields (event, id, retry) are skipped, as OpenAI-compatible servers
 * send nothing a completion needs in them. The WHATWG rules for line ends: "\r\n", "\n" or "\r".
 */
public final class SseReader {
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean afterCarriageReturn;

    /** The events completed by {@code chunk}, in order. */
    public List<String> feed(CharSequence chunk) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (afterCarriageReturn && c == '\n') { // the second half of "\r\n"
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = c == '\r';
            if (c == '\r' || c == '\n') {
                endLine(events);
            } else {
                line.append(c);
            }
        }
        return events;
    }

    private void endLine(List<String> events) {
        if (line.isEmpty()) {
            if (hasData) {
                events.add(data.toString());
            }
            data.setLength(0);
            hasData = false;
            return;
        }
        String l = line.toString();
        line.setLength(0);
        if (l.startsWith(":")) {
            return; // a comment: servers send them to keep a connection alive
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        if (!field.equals("data")) {
            return;
        }
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }
}
