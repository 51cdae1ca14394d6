package org.asynclm.cml;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming CML parser, fed one token's text at a time. It works character by character and holds back a '[' that
 * may start a marker until the marker is complete or impossible, so the blocks, violations and the merged free text
 * it reports do not depend on how the stream was chunked: markers as single special tokens, split across pieces,
 * or glued to text all parse alike.
 *
 * <p>The same machine answers {@link #allows(CharSequence)}, the constrained-decoding predicate for a model's next
 * piece: never {@code [INTR]}, {@code [TRAP]} only as {@code [TRAP][END]}, no nested blocks, no stray markers.
 */
public final class CmlParser {

    private enum State { TEXT, CALL_HEAD, CALL_BODY, INTR_HEAD, INTR_BODY, TRAP_OPEN }

    private State state = State.TEXT;
    private final StringBuilder pending = new StringBuilder(8);
    private long pendingStart;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder body = new StringBuilder();
    private String blockId;
    private long blockStart;
    private long pos;
    private List<CmlEvent> out;

    /** Dry-run copies used by {@link #allows} keep no text and only note whether a rule was broken. */
    private final boolean dryRun;
    private boolean broken;

    public CmlParser() {
        this(false);
    }

    private CmlParser(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** Feeds one piece and returns the events it completed (free text is flushed at the end of each piece). */
    public List<CmlEvent> feed(CharSequence piece) {
        List<CmlEvent> events = new ArrayList<>(2);
        feed(piece, events);
        return events;
    }

    public void feed(CharSequence piece, List<CmlEvent> events) {
        out = events;
        CmlToken marker = pending.isEmpty() ? CmlToken.ofText(piece) : null;
        if (marker != null) { // a special token: no need to walk its characters
            long at = pos;
            pos += piece.length();
            onMarker(marker, at);
        } else {
            for (int i = 0; i < piece.length(); i++) {
                consume(piece.charAt(i), pos++);
            }
        }
        flushText();
        out = null;
    }

    /** Ends the stream: a held-back partial marker becomes literal text, an open block is a violation. */
    public void finish(List<CmlEvent> events) {
        out = events;
        flushPendingAsLiteral();
        if (state != State.TEXT) {
            violation(pos, "stream ended inside a " + openKindName() + " block (no [END])");
        }
        flushText();
        out = null;
    }

    /** Inside a control block, or holding a partial marker: no interrupt may be injected here. */
    public boolean inCriticalSection() {
        return state != State.TEXT || pending.length() > 0;
    }

    public boolean inBlock() {
        return state != State.TEXT;
    }

    /** Inside a call's body, after its [HEAD]: where the arguments are written. */
    public boolean inCallBody() {
        return state == State.CALL_BODY;
    }

    /** Inside an interrupt block, which only the runtime writes (whole), so a model never decodes here. */
    boolean inInterrupt() {
        return state == State.INTR_HEAD || state == State.INTR_BODY;
    }

    /** Characters consumed so far. */
    public long position() {
        return pos;
    }

    /**
     * Whether a model may write {@code piece} next without breaking CML. Pieces without '[' cannot complete a marker
     * unless one is already partly written, so most of a vocabulary is decided without simulation.
     */
    public boolean allows(CharSequence piece) {
        if (inInterrupt()) {
            return piece.isEmpty();
        }
        if (pending.length() == 0 && indexOf(piece, '[') < 0) {
            return switch (state) {
                case TEXT, CALL_HEAD, CALL_BODY -> true;
                case TRAP_OPEN, INTR_HEAD, INTR_BODY -> piece.isEmpty(); // only [END] may follow [TRAP]
            };
        }
        CmlToken marker = pending.isEmpty() ? CmlToken.ofText(piece) : null;
        if (marker != null) {
            return markerAllowed(marker);
        }
        CmlParser probe = dryCopy();
        probe.out = null;
        for (int i = 0; i < piece.length() && !probe.broken; i++) {
            probe.consume(piece.charAt(i), probe.pos++);
        }
        return !probe.broken && !probe.deadEnd();
    }

    /**
     * Whether no continuation is legal: after [TRAP] only [END] may come, so a held-back partial marker that cannot
     * become [END] (such as "[HE") leaves a model nothing to write. Everywhere else a partial marker can still turn
     * into literal text or an allowed marker.
     */
    boolean deadEnd() {
        return state == State.TRAP_OPEN && !pending.isEmpty() && !CmlToken.END.text().startsWith(pending.toString());
    }

    /** Whether a whole marker is legal here: the same rules as {@link #onMarker}, without simulating. */
    private boolean markerAllowed(CmlToken marker) {
        return switch (state) {
            case TEXT -> marker == CmlToken.CALL || marker == CmlToken.TRAP;
            case CALL_HEAD -> marker == CmlToken.END || (marker == CmlToken.HEAD && isCallId(head.toString().strip()));
            case CALL_BODY, TRAP_OPEN -> marker == CmlToken.END;
            case INTR_HEAD, INTR_BODY -> false;
        };
    }

    private static boolean isCallId(String id) {
        return CmlToken.isValidId(id) && !CmlToken.isReservedId(id);
    }

    private CmlParser dryCopy() {
        CmlParser c = new CmlParser(true);
        c.state = state;
        c.pending.append(pending);
        c.pendingStart = pendingStart;
        c.head.append(head);
        c.pos = pos;
        return c;
    }

    private static int indexOf(CharSequence s, char ch) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ch) {
                return i;
            }
        }
        return -1;
    }

    private void consume(char c, long at) {
        if (pending.isEmpty() && c != '[') {
            literal(c, at);
            return;
        }
        if (pending.isEmpty()) {
            pendingStart = at;
        }
        pending.append(c);
        CmlToken marker = CmlToken.ofText(pending);
        if (marker != null) {
            pending.setLength(0);
            onMarker(marker, pendingStart);
        } else if (!CmlToken.isPrefixOfMarker(pending)) {
            // Not a marker after all: its '[' is literal, and the rest may hold the start of a real one.
            String held = pending.toString();
            long start = pendingStart;
            pending.setLength(0);
            literal(held.charAt(0), start);
            for (int i = 1; i < held.length(); i++) {
                consume(held.charAt(i), start + i);
            }
        }
    }

    private void flushPendingAsLiteral() {
        String held = pending.toString();
        long start = pendingStart;
        pending.setLength(0);
        for (int i = 0; i < held.length(); i++) {
            literal(held.charAt(i), start + i);
        }
    }

    private void literal(char c, long at) {
        switch (state) {
            case TEXT -> {
                if (!dryRun) {
                    text.append(c);
                }
            }
            case CALL_HEAD, INTR_HEAD -> head.append(c);
            case CALL_BODY, INTR_BODY -> {
                if (!dryRun) {
                    body.append(c);
                }
            }
            case TRAP_OPEN -> {
                violation(at, "[TRAP] must be followed directly by [END]");
                literal(c, at);
            }
        }
    }

    private void onMarker(CmlToken marker, long at) {
        switch (state) {
            case TEXT -> openOrReject(marker, at);
            case CALL_HEAD -> {
                if (marker == CmlToken.HEAD) {
                    String id = head.toString().strip();
                    if (!isCallId(id)) {
                        violation(at, "call id '" + id + "' is not a Python identifier or is reserved");
                    } else {
                        blockId = id;
                        head.setLength(0);
                        state = State.CALL_BODY;
                    }
                } else if (marker == CmlToken.END) {
                    close(BlockKind.CALL, null, head.toString().strip(), at + marker.text().length());
                } else {
                    nested(marker, at);
                }
            }
            case CALL_BODY -> {
                if (marker == CmlToken.END) {
                    close(BlockKind.CALL, blockId, body.toString().strip(), at + marker.text().length());
                } else if (marker == CmlToken.HEAD) {
                    violation(at, "second [HEAD] in a call block");
                } else {
                    nested(marker, at);
                }
            }
            case INTR_HEAD -> {
                if (marker == CmlToken.HEAD) {
                    String id = head.toString().strip();
                    if (!CmlToken.isValidId(id)) {
                        violation(at, "interrupt id '" + id + "' is not a Python identifier");
                    } else {
                        blockId = id;
                        head.setLength(0);
                        state = State.INTR_BODY;
                    }
                } else if (marker == CmlToken.END) {
                    violation(at, "interrupt closed before [HEAD]");
                } else {
                    nested(marker, at);
                }
            }
            case INTR_BODY -> {
                if (marker == CmlToken.END) {
                    close(BlockKind.INTERRUPT, blockId, body.toString().strip(), at + marker.text().length());
                } else {
                    nested(marker, at);
                }
            }
            case TRAP_OPEN -> {
                if (marker == CmlToken.END) {
                    close(BlockKind.TRAP, null, "", at + marker.text().length());
                } else {
                    violation(at, "[TRAP] must be followed directly by [END]");
                    openOrReject(marker, at);
                }
            }
        }
    }

    private void openOrReject(CmlToken marker, long at) {
        switch (marker) {
            case CALL -> open(BlockKind.CALL, State.CALL_HEAD, at);
            case INTR -> {
                if (dryRun) {
                    broken = true; // only the runtime writes interrupts
                }
                open(BlockKind.INTERRUPT, State.INTR_HEAD, at);
            }
            case TRAP -> open(BlockKind.TRAP, State.TRAP_OPEN, at);
            case END, HEAD -> violation(at, "stray " + marker.text() + " outside a block");
        }
    }

    private void nested(CmlToken marker, long at) {
        if (marker == CmlToken.END || marker == CmlToken.HEAD) {
            violation(at, "unexpected " + marker.text() + " in a " + openKindName() + " block");
            return;
        }
        violation(at, marker.text() + " inside an open " + openKindName() + " block (blocks do not nest)");
        openOrReject(marker, at);
    }

    private void open(BlockKind kind, State next, long at) {
        flushText();
        state = next;
        blockStart = at;
        blockId = null;
        head.setLength(0);
        body.setLength(0);
        emit(new CmlEvent.Opened(kind, at));
    }

    private void close(BlockKind kind, String id, String content, long end) {
        state = State.TEXT;
        emit(new CmlEvent.Closed(new Block(kind, id, content, blockStart, end)));
        head.setLength(0);
        body.setLength(0);
        blockId = null;
    }

    private void violation(long at, String message) {
        broken = true;
        flushText();
        state = State.TEXT;
        head.setLength(0);
        body.setLength(0);
        blockId = null;
        emit(new CmlEvent.Violation(at, message));
    }

    private void flushText() {
        if (!text.isEmpty()) {
            emit(new CmlEvent.Text(text.toString()));
            text.setLength(0);
        }
    }

    private void emit(CmlEvent e) {
        if (out != null && !dryRun) {
            out.add(e);
        }
    }

    private String openKindName() {
        return switch (state) {
            case CALL_HEAD, CALL_BODY -> "[CALL]";
            case INTR_HEAD, INTR_BODY -> "[INTR]";
            case TRAP_OPEN -> "[TRAP]";
            case TEXT -> "text";
        };
    }
}
