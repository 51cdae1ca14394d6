package org.asynclm.cml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Python tuple value; lists are plain {@link List}s, so the two stay distinguishable. */
public record PyTuple(List<Object> items) {
    public PyTuple {
        items = Collections.unmodifiableList(new ArrayList<>(items));
    }
}
