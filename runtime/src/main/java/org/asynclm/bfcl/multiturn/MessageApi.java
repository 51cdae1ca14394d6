package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;
import static org.asynclm.bfcl.multiturn.Py.list;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** BFCL's MessageAPI (message_api.py): users, an inbox of {receiver: message}, ids from a seeded generator. */
public final class MessageApi extends Backend {
    private Set<Object> generatedIds;
    private Object userCount;
    private Map<Object, Object> userMap;
    private List<Object> inbox;
    private Object messageCount;
    private Object currentUser;
    private PyRandom random;

    public MessageApi() {
        method("list_users", a -> dict("user_list", new ArrayList<>(userMap.keySet())));
        method("get_user_id", a -> getUserId(a.get("user")), required("user"));
        method("message_login", a -> login(a.get("user_id")), required("user_id"));
        method("message_get_login_status", a -> dict("login_status", Py.truthy(currentUser)));
        method("send_message", a -> send(a.get("receiver_id"), a.get("message")), required("receiver_id"),
                required("message"));
        method("delete_message", a -> delete(a.get("receiver_id")), required("receiver_id"));
        method("view_messages_sent", a -> viewSent());
        method("add_contact", a -> addContact(a.get("user_name")), required("user_name"));
        method("search_messages", a -> search(a.str("keyword")), required("keyword"));
        method("get_message_stats", a -> stats());
    }

    @Override
    public BackendClass kind() {
        return BackendClass.MESSAGE_API;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        random = new PyRandom(((Number) scenario.getOrDefault("random_seed", 200191L)).longValue());
        Object ids = scenario.get("generated_ids");
        generatedIds = ids == null ? new LinkedHashSet<>() : ids instanceof Set<?> s ? (Set<Object>) s
                : new LinkedHashSet<>((List<Object>) ids);
        userCount = scenario.getOrDefault("user_count", 4L);
        userMap = (Map<Object, Object>) scenario.getOrDefault("user_map",
                dict("Alice", "USR001", "Bob", "USR002", "Catherine", "USR003", "Daniel", "USR004"));
        inbox = (List<Object>) scenario.getOrDefault("inbox", list(dict("USR002", "My name is Alice. I want to connect."),
                dict("USR003", "Could you upload the file?"), dict("USR004", "Could you upload the file?")));
        messageCount = scenario.getOrDefault("message_count", 3L);
        currentUser = scenario.get("current_user");
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("generated_ids", generatedIds);
        s.put("user_count", userCount);
        s.put("user_map", userMap);
        s.put("inbox", inbox);
        s.put("message_count", messageCount);
        s.put("current_user", currentUser);
        return s;
    }

    private Map<Object, Object> generateId() {
        long id = random.randint(10000, 99999);
        while (Py.contains(generatedIds, id)) {
            id = random.randint(10000, 99999);
        }
        generatedIds.add(id);
        return dict("new_id", id);
    }

    private Object getUserId(Object user) {
        if (!userMap.containsKey(user)) {
            return dict("error", "User '" + Py.str(user) + "' not found in the workspace.");
        }
        return dict("user_id", userMap.get(user));
    }

    private Object login(Object userId) {
        if (!Py.contains(userMap.values(), userId)) {
            return dict("login_status", false, "message", "User ID '" + Py.str(userId) + "' not found.");
        }
        currentUser = userId;
        return dict("login_status", true, "message", "User '" + Py.str(userId) + "' logged in successfully.");
    }

    private Object send(Object receiverId, Object message) throws PyException {
        if (!Py.truthy(currentUser)) {
            return dict("error", "No user is currently logged in.");
        }
        if (!Py.contains(userMap.values(), receiverId)) {
            return dict("error", "Receiver ID '" + Py.str(receiverId) + "' not found.");
        }
        Map<Object, Object> messageId = generateId();
        inbox.add(dict(receiverId, message));
        messageCount = PyMath.add(messageCount, 1L);
        return dict("sent_status", true, "message_id", messageId, "message",
                "Message sent to '" + Py.str(receiverId) + "' successfully.");
    }

    private Object delete(Object receiverId) {
        if (!Py.truthy(currentUser)) {
            return dict("error", "No user is currently logged in.");
        }
        for (int i = inbox.size() - 1; i >= 0; i--) {
            Object receiver = firstKey(inbox.get(i));
            if (Py.eq(receiver, receiverId)) {
                removeFirstEqual(inbox, inbox.get(i));
                return dict("deleted_status", true, "receiver_id", receiver, "message",
                        "Receiver " + Py.str(receiverId) + "'s latest message deleted successfully.");
            }
        }
        return dict("error", "Receiver ID " + Py.str(receiverId) + " not found.");
    }

    /** {@code list.remove(x)}: the first element equal to x, which need not be x itself. */
    private static void removeFirstEqual(List<Object> items, Object x) {
        for (int i = 0; i < items.size(); i++) {
            if (Py.eq(items.get(i), x)) {
                items.remove(i);
                return;
            }
        }
    }

    private Object viewSent() {
        if (!Py.truthy(currentUser)) {
            return dict("error", "No user is currently logged in.");
        }
        Map<Object, Object> sent = new LinkedHashMap<>();
        for (Object message : inbox) {
            Map<?, ?> m = (Map<?, ?>) message;
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            @SuppressWarnings("unchecked")
            List<Object> to = (List<Object>) sent.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            to.add(e.getValue());
        }
        return dict("messages", sent);
    }

    private Object addContact(Object userName) throws PyException {
        if (userMap.containsKey(userName)) {
            return dict("error", "User name '" + Py.str(userName) + "' already exists.");
        }
        userCount = PyMath.add(userCount, 1L);
        String digits = Py.str(userCount);
        String userId = "USR" + "0".repeat(Math.max(0, 3 - digits.length())) + digits;
        if (Py.contains(userMap.values(), userId)) {
            return dict("error", "User ID '" + userId + "' already exists.");
        }
        userMap.put(userName, userId);
        return dict("added_status", true, "user_id", userId, "message",
                "Contact '" + Py.str(userName) + "' added successfully.");
    }

    private Object search(String keyword) {
        if (!Py.truthy(currentUser)) {
            return dict("error", "No user is currently logged in.");
        }
        String lower = keyword.toLowerCase(java.util.Locale.ROOT);
        List<Object> results = new ArrayList<>();
        for (Object message : inbox) {
            Map.Entry<?, ?> e = ((Map<?, ?>) message).entrySet().iterator().next();
            if (Py.str(e.getValue()).toLowerCase(java.util.Locale.ROOT).contains(lower)) {
                results.add(dict("receiver_id", e.getKey(), "message", e.getValue()));
            }
        }
        return dict("results", results);
    }

    private Object stats() {
        if (!Py.truthy(currentUser)) {
            return dict("error", "No user is currently logged in.");
        }
        Set<Object> contacts = new LinkedHashSet<>();
        for (Object message : inbox) {
            contacts.add(firstKey(message));
        }
        return dict("stats", dict("received_count", (long) inbox.size(), "total_contacts", (long) contacts.size()));
    }

    private static Object firstKey(Object message) {
        return ((Map<?, ?>) message).keySet().iterator().next();
    }
}
