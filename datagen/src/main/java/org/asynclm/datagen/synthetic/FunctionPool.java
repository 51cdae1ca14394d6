package org.asynclm.datagen.synthetic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The built-in functions of synthetic tasks. Each returns one typed value (an entity: a flight id, a phone
 * number...) that later calls take as an argument, so a model must read interrupts to fill them in. Sources need
 * no upstream value, steps take one entity, joins take a list of any upstream values.
 */
final class FunctionPool {

    /** A literal argument and how to draw its value. */
    record Literal(String name, String type, Function<SplittableRandom, Object> value) {
    }

    /** {@code input}: the entity a step takes (null for sources and joins); {@code ask}: how the user asks for it. */
    record Template(String name, String description, String input, boolean join, List<Literal> literals,
                    String output, String ask) {
    }

    private static final String[] CITIES = {"Paris", "Lagos", "Osaka", "Lima", "Oslo", "Austin", "Pune", "Perth",
            "Quito", "Seoul", "Tunis", "Riga"};
    private static final String[] NAMES = {"Ada Lopez", "Kwame Mensah", "Mei Tanaka", "Omar Haddad", "Lena Vogel",
            "Ravi Iyer", "Sofia Reyes", "Jonas Berg"};
    private static final String[] TOPICS = {"solar panels", "rail strikes", "coral reefs", "battery recycling",
            "quarterly budget", "supplier audit"};
    private static final String[] USERNAMES = {"mtanaka", "alopez", "kmensah", "lvogel", "riyer", "sreyes"};

    static final Map<String, Function<SplittableRandom, Object>> ENTITIES = new LinkedHashMap<>();

    static {
        ENTITIES.put("flight_id", r -> "FL" + r.nextInt(100, 10000));
        ENTITIES.put("booking_id", r -> "BK" + r.nextInt(100000, 1000000));
        ENTITIES.put("customer_id", r -> "C" + r.nextInt(1000, 10000));
        ENTITIES.put("order_id", r -> "O" + r.nextInt(10000, 100000));
        ENTITIES.put("tracking_number", r -> "1Z" + r.nextInt(10_000_000, 100_000_000));
        ENTITIES.put("city", r -> pick(CITIES, r));
        ENTITIES.put("hotel_id", r -> "H" + r.nextInt(1000, 10000));
        ENTITIES.put("doc_id", r -> "DOC-" + r.nextInt(1000, 10000));
        ENTITIES.put("summary_id", r -> "S" + r.nextInt(10000, 100000));
        ENTITIES.put("ticket_id", r -> "T-" + r.nextInt(1000, 10000));
        ENTITIES.put("user_id", r -> "U" + r.nextInt(1000, 10000));
        ENTITIES.put("phone", r -> "555-" + r.nextInt(1000, 10000));
        ENTITIES.put("message_id", r -> "M" + r.nextInt(100000, 1000000));
        ENTITIES.put("report_id", r -> "R" + r.nextInt(1000, 10000));
    }

    static final List<Template> TEMPLATES = List.of(
            source("search_flights", "Search flights between two cities on a date.", "flight_id",
                    "find a flight from {origin} to {destination} on {date}",
                    lit("origin", "string", r -> pick(CITIES, r)), lit("destination", "string", r -> pick(CITIES, r)),
                    lit("date", "string", r -> String.format("2025-%02d-%02d", r.nextInt(1, 13), r.nextInt(1, 29)))),
            source("find_customer", "Find a customer by full name.", "customer_id", "look up the customer {name}",
                    lit("name", "string", r -> pick(NAMES, r))),
            source("search_documents", "Full-text search over the document store.", "doc_id",
                    "find the document about {query}", lit("query", "string", r -> pick(TOPICS, r))),
            source("create_ticket", "Open a support ticket.", "ticket_id", "open a {priority}-priority ticket about {title}",
                    lit("title", "string", r -> pick(TOPICS, r)),
                    lit("priority", "string", r -> pick(new String[] {"low", "normal", "high"}, r))),
            source("find_user", "Find a user account by username.", "user_id", "find the user {username}",
                    lit("username", "string", r -> pick(USERNAMES, r))),
            source("lookup_city", "Find the city of a ZIP code.", "city", "find the city for ZIP code {zip_code}",
                    lit("zip_code", "string", r -> String.valueOf(r.nextInt(10000, 100000)))),
            step("book_flight", "Book a seat on a flight.", "flight_id", "booking_id", "book that flight in {seat_class}",
                    lit("seat_class", "string", r -> pick(new String[] {"economy", "business"}, r))),
            step("email_itinerary", "Email the itinerary of a booking.", "booking_id", "message_id",
                    "email me the itinerary"),
            step("list_orders", "Latest order of a customer.", "customer_id", "order_id", "get that customer's latest order"),
            step("get_shipment", "Shipment of an order.", "order_id", "tracking_number", "find the shipment of that order"),
            step("track_package", "Where a package is now.", "tracking_number", "city", "track the package"),
            step("find_hotel", "Best-rated hotel in a city.", "city", "hotel_id", "find a hotel there for {nights} nights",
                    lit("nights", "integer", r -> (long) r.nextInt(1, 8))),
            step("book_hotel", "Book a hotel room.", "hotel_id", "booking_id", "book that hotel for {guests} guests",
                    lit("guests", "integer", r -> (long) r.nextInt(1, 5))),
            step("summarize_document", "Summarize a document.", "doc_id", "summary_id",
                    "summarize it in {max_words} words", lit("max_words", "integer", r -> (long) (50 * r.nextInt(1, 7)))),
            step("translate_summary", "Translate a summary into a new document.", "summary_id", "doc_id",
                    "translate the summary into {language}",
                    lit("language", "string", r -> pick(new String[] {"French", "Hindi", "Japanese", "Spanish"}, r))),
            step("assign_ticket", "Assign a ticket; returns the assignee's user id.", "ticket_id", "user_id",
                    "assign the ticket to the {team} team", lit("team", "string", r -> pick(new String[] {"billing", "network", "mobile"}, r))),
            step("get_user_phone", "Phone number of a user.", "user_id", "phone", "get that person's phone number"),
            step("send_sms", "Send a text message.", "phone", "message_id", "text them '{text}'",
                    lit("text", "string", r -> pick(new String[] {"Running late", "All set", "Please call back"}, r))),
            step("archive_message", "Archive a message as a document.", "message_id", "doc_id", "archive that message"),
            step("create_followup_ticket", "Open a ticket about a report.", "report_id", "ticket_id",
                    "open a follow-up ticket about the report"),
            join("compile_report", "Compile a report from several results.", "sources", "report_id",
                    "compile a report titled {title} from all of that", lit("title", "string", r -> pick(TOPICS, r))),
            join("notify_team", "Post references to a team channel.", "references", "message_id",
                    "post all of it to #{channel}", lit("channel", "string", r -> pick(new String[] {"ops", "travel", "support"}, r))));

    private FunctionPool() {
    }

    static Template template(String name) {
        return TEMPLATES.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** The JSON schema the model sees, in BFCL's layout, with the estimated time. */
    static ObjectNode schema(Template t, long estimateNanos) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("name", t.name());
        s.put("description", t.description());
        ObjectNode params = s.putObject("parameters");
        params.put("type", "dict");
        ObjectNode props = params.putObject("properties");
        ArrayNode required = params.putArray("required");
        if (t.join()) {
            ObjectNode p = props.putObject(t.input());
            p.put("type", "array").put("description", "Values returned by earlier calls.");
            p.putObject("items").put("type", "string");
            required.add(t.input());
        } else if (t.input() != null) {
            props.putObject(t.input()).put("type", "string").put("description", "A " + t.input().replace('_', ' ')
                    + " returned by an earlier call.");
            required.add(t.input());
        }
        for (Literal l : t.literals()) {
            props.putObject(l.name()).put("type", l.type());
            required.add(l.name());
        }
        s.put("estimated_time_ms", Math.round(estimateNanos / 1e3) / 1e3);
        return s;
    }

    static List<Template> sources() {
        return TEMPLATES.stream().filter(t -> t.input() == null && !t.join()).toList();
    }

    static List<Template> stepsFrom(String entity) {
        List<Template> out = new ArrayList<>();
        for (Template t : TEMPLATES) {
            if (entity.equals(t.input())) {
                out.add(t);
            }
        }
        return out;
    }

    static List<Template> joins() {
        return TEMPLATES.stream().filter(Template::join).toList();
    }

    static String pick(String[] options, SplittableRandom r) {
        return options[r.nextInt(options.length)];
    }

    private static Literal lit(String name, String type, Function<SplittableRandom, Object> value) {
        return new Literal(name, type, value);
    }

    private static Template source(String name, String description, String output, String ask, Literal... lits) {
        return new Template(name, description, null, false, List.of(lits), output, ask);
    }

    private static Template step(String name, String description, String input, String output, String ask,
                                 Literal... lits) {
        return new Template(name, description, input, false, List.of(lits), output, ask);
    }

    /** A join's list parameter is named by {@code input}. */
    private static Template join(String name, String description, String listParam, String output, String ask,
                                 Literal... lits) {
        return new Template(name, description, listParam, true, List.of(lits), output, ask);
    }
}
