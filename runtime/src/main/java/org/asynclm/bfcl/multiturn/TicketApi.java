package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** BFCL's TicketAPI (ticket_api.py): a queue of support tickets owned by the logged-in user. */
public final class TicketApi extends Backend {
    private List<Object> ticketQueue;
    private Object ticketCounter;
    private Object currentUser;

    public TicketApi() {
        method("create_ticket", a -> create(a.get("title"), a.get("description"), a.number("priority")),
                required("title"), optional("description", ""), optional("priority", 1L));
        method("get_ticket", a -> {
            Map<Object, Object> t = find(a.get("ticket_id"));
            return t == null ? notFound(a.get("ticket_id")) : t;
        }, required("ticket_id"));
        method("close_ticket", a -> close(a.get("ticket_id")), required("ticket_id"));
        method("resolve_ticket", a -> resolve(a.get("ticket_id"), a.get("resolution")), required("ticket_id"),
                required("resolution"));
        method("edit_ticket", a -> edit(a.get("ticket_id"), a.dict("updates")), required("ticket_id"),
                required("updates"));
        method("ticket_login", a -> login(a.get("username"), a.get("password")), required("username"),
                required("password"));
        method("ticket_get_login_status", a -> dict("login_status", Py.truthy(currentUser)));
        method("logout", a -> logout());
        method("get_user_tickets", a -> userTickets(a.str("status")), optional("status", null));
    }

    @Override
    public BackendClass kind() {
        return BackendClass.TICKET_API;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        ticketQueue = (List<Object>) scenario.getOrDefault("ticket_queue", new ArrayList<>());
        ticketCounter = scenario.getOrDefault("ticket_counter", 1L);
        currentUser = scenario.get("current_user");
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ticket_queue", ticketQueue);
        s.put("ticket_counter", ticketCounter);
        s.put("current_user", currentUser);
        return s;
    }

    private static Map<Object, Object> notFound(Object id) {
        return dict("error", "Ticket with ID " + Py.str(id) + " not found.");
    }

    private Object create(Object title, Object description, Object priority) throws PyException {
        if (!Py.truthy(currentUser)) {
            return dict("error", "User not authenticated. Please log in to create a ticket.");
        }
        if (PyMath.compare(priority, 1L) < 0 || PyMath.compare(priority, 5L) > 0) {
            return dict("error", "Invalid priority. Priority must be between 1 and 5.");
        }
        Map<Object, Object> ticket = dict("id", ticketCounter, "title", title, "description", description,
                "status", "Open", "priority", priority, "created_by", currentUser);
        ticketQueue.add(ticket);
        ticketCounter = PyMath.add(ticketCounter, 1L);
        return ticket;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> find(Object id) {
        for (Object t : ticketQueue) {
            Map<Object, Object> ticket = (Map<Object, Object>) t;
            if (Py.eq(ticket.get("id"), id)) {
                return ticket;
            }
        }
        return null;
    }

    private Object close(Object id) {
        Map<Object, Object> t = find(id);
        if (t == null) {
            return notFound(id);
        }
        if ("Closed".equals(t.get("status"))) {
            return dict("error", "Ticket with ID " + Py.str(id) + " is already closed.");
        }
        t.put("status", "Closed");
        return dict("status", "Ticket " + Py.str(id) + " has been closed successfully.");
    }

    private Object resolve(Object id, Object resolution) {
        Map<Object, Object> t = find(id);
        if (t == null) {
            return notFound(id);
        }
        if ("Resolved".equals(t.get("status"))) {
            return dict("error", "Ticket with ID " + Py.str(id) + " is already resolved.");
        }
        t.put("status", "Resolved");
        t.put("resolution", resolution);
        return dict("status", "Ticket " + Py.str(id) + " has been resolved successfully.");
    }

    private Object edit(Object id, Map<Object, Object> updates) {
        Map<Object, Object> t = find(id);
        if (t == null) {
            return notFound(id);
        }
        Set<Object> invalid = new LinkedHashSet<>(updates.keySet());
        invalid.removeAll(Set.of("title", "description", "status", "priority"));
        if (!invalid.isEmpty()) {
            List<String> names = invalid.stream().map(Py::str).toList();
            return dict("error", "Invalid fields for update: " + String.join(", ", names));
        }
        updates.forEach((k, v) -> {
            if (v != null) {
                t.put(k, v);
            }
        });
        return dict("status", "Ticket " + Py.str(id) + " has been updated successfully.");
    }

    private Object login(Object username, Object password) {
        if (Py.truthy(username) && Py.truthy(password)) {
            currentUser = username;
            return dict("success", true);
        }
        return dict("success", false);
    }

    private Object logout() {
        if (Py.truthy(currentUser)) {
            currentUser = null;
            return dict("success", true);
        }
        return dict("success", false);
    }

    @SuppressWarnings("unchecked")
    private Object userTickets(String status) {
        if (!Py.truthy(currentUser)) {
            return Py.list(dict("error", "User not authenticated. Please log in to view tickets."));
        }
        List<Object> mine = new ArrayList<>();
        for (Object t : ticketQueue) {
            Map<Object, Object> ticket = (Map<Object, Object>) t;
            if (Py.eq(ticket.get("created_by"), currentUser) && (status == null || status.isEmpty()
                    || Py.str(ticket.get("status")).toLowerCase(Locale.ROOT).equals(status.toLowerCase(Locale.ROOT)))) {
                mine.add(ticket);
            }
        }
        return mine;
    }
}
