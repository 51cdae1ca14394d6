package org.asynclm.bfcl.multiturn;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** {@code datetime.strptime} for the two formats the backends use, with Python's error messages. */
final class PyTime {
    private PyTime() {
    }

    /** {@code strptime(text, "%Y-%m-%d")}. */
    static LocalDateTime date(Object text) throws PyException {
        return parse(text, "%Y-%m-%d", "\\d{4}-\\d{1,2}-\\d{1,2}", false);
    }

    /** {@code strptime(text, "%Y-%m-%d %H:%M:%S")}. */
    static LocalDateTime dateTime(Object text) throws PyException {
        return parse(text, "%Y-%m-%d %H:%M:%S", "\\d{4}-\\d{1,2}-\\d{1,2} \\d{1,2}:\\d{1,2}:\\d{1,2}", true);
    }

    private static LocalDateTime parse(Object value, String format, String regex, boolean withTime)
            throws PyException {
        if (!(value instanceof String text)) {
            throw new PyException("strptime() argument 1 must be str, not " + Py.typeName(value));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        if (!m.lookingAt()) {
            throw new PyException("time data " + Py.repr(text) + " does not match format " + Py.repr(format));
        }
        if (m.end() < text.length()) {
            throw new PyException("unconverted data remains: " + text.substring(m.end()));
        }
        String[] parts = text.split("[- :]");
        try {
            LocalDate d = LocalDate.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            return withTime ? d.atTime(Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), Integer.parseInt(parts[5]))
                    : d.atStartOfDay();
        } catch (java.time.DateTimeException e) {
            throw new PyException("time data " + Py.repr(text) + " does not match format " + Py.repr(format));
        }
    }

    static String format(LocalDateTime t) {
        return t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }
}
