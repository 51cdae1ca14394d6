package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;
import static org.asynclm.bfcl.multiturn.Py.list;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's TravelAPI (travel_booking.py): a token, credit cards, bookings and a budget. Tokens, card ids, balances,
 * booking, transaction and insurance ids come from one seeded generator, in call order, as in Python.
 */
public final class TravelApi extends Backend {
    private static final List<Object> AIRPORTS = list("RMS", "SBK", "MPC", "SVP", "SHD", "CDG", "LHR", "SSV", "OKD",
            "WLB", "PEK", "HND", "HKG", "CIA", "CRH", "ATV", "PHV", "GFD", "SFO", "LAX", "JFK", "ORD", "BOS");
    private static final Map<Object, Object> NEAREST_AIRPORT = dict("Rivermist", "RMS", "Stonebrook", "SBK",
            "Maplecrest", "MPC", "Silverpine", "SVP", "Shadowridge", "SHD", "London", "LHR", "Paris", "CDG",
            "Sunset Valley", "SSV", "Oakendale", "OKD", "Willowbend", "WLB", "Crescent Hollow", "CRH",
            "Autumnville", "ATV", "Pinehaven", "PHV", "Greenfield", "GFD", "San Francisco", "SFO",
            "Los Angeles", "LAX", "New York", "JFK", "Chicago", "ORD", "Boston", "BOS", "Beijing", "PEK",
            "Hong Kong", "HKG", "Rome", "CIA", "Tokyo", "HND");
    /** Route costs by "FROM|TO", in Python's dict order (the long-context cost list follows it); read only. */
    @SuppressWarnings("unchecked")
    private static final Map<String, Object> BASE_COSTS =
            Collections.unmodifiableMap((Map<String, Object>) (Map<?, ?>) BackendData.get("travel_base_costs"));
    /** (base, target, rate) in Python's dict order, which decides the first match. */
    private static final Object[][] EXCHANGE_RATES = {{"USD", "RMB", 7L}, {"USD", "EUR", 0.8}, {"USD", "JPY", 110L},
            {"USD", "GBP", 0.7}, {"USD", "CAD", 1.3}, {"USD", "AUD", 1.4}, {"USD", "INR", 70L}, {"USD", "RUB", 60L},
            {"USD", "BRL", 3.8}, {"USD", "MXN", 20L}};

    private Map<Object, Object> creditCardList;
    private Map<Object, Object> bookingRecord;
    private Object accessToken;
    private Object tokenType;
    private Object tokenExpiresIn;
    private Object tokenScope;
    private Object userFirstName;
    private Object userLastName;
    private Object budgetLimit;
    private boolean longContext;
    private PyRandom random;
    private Map<String, Object> flightCostLookup = new LinkedHashMap<>();

    public TravelApi() {
        method("authenticate_travel", a -> authenticate(a.get("grant_type"), a.get("user_first_name"),
                a.get("user_last_name")), required("client_id"), required("client_secret"), required("refresh_token"),
                required("grant_type"), required("user_first_name"), required("user_last_name"));
        method("travel_get_login_status", a -> dict("status", !(tokenExpiresIn == null || Py.eq(tokenExpiresIn, 0L))));
        method("get_budget_fiscal_year", a -> dict("budget_fiscal_year", "2018"), optional("lastModifiedAfter", null),
                optional("includeRemoved", null));
        method("register_credit_card", a -> registerCard(a.get("access_token"), a.get("card_number"),
                a.get("expiration_date"), a.get("cardholder_name"), a.get("card_verification_number")),
                required("access_token"), required("card_number"), required("expiration_date"),
                required("cardholder_name"), required("card_verification_number"));
        method("get_flight_cost", a -> dict("travel_cost_list", flightCost(a.get("travel_from"), a.get("travel_to"),
                a.str("travel_date"), a.get("travel_class"))), required("travel_from"), required("travel_to"),
                required("travel_date"), required("travel_class"));
        method("get_credit_card_balance", a -> cardBalance(a.get("access_token"), a.get("card_id")),
                required("access_token"), required("card_id"));
        method("book_flight", a -> book(a.get("access_token"), a.get("card_id"), a.get("travel_date"),
                a.get("travel_from"), a.get("travel_to"), a.get("travel_class")), required("access_token"),
                required("card_id"), required("travel_date"), required("travel_from"), required("travel_to"),
                required("travel_class"));
        method("retrieve_invoice", a -> invoice(a.get("access_token"), a.get("booking_id")), required("access_token"),
                optional("booking_id", null), optional("insurance_id", null));
        method("get_booking_history", a -> tokenError(a.get("access_token")) != null ? tokenError(a.get("access_token"))
                : dict("booking_history", Py.deepCopy(bookingRecord)), required("access_token"));
        method("list_all_airports", a -> new ArrayList<>(AIRPORTS));
        method("cancel_booking", a -> cancel(a.get("access_token"), a.get("booking_id")), required("access_token"),
                required("booking_id"));
        method("compute_exchange_rate", a -> exchange(a.get("base_currency"), a.get("target_currency"),
                a.number("value")), required("base_currency"), required("target_currency"), required("value"));
        method("verify_traveler_information", a -> verify(a.get("first_name"), a.get("last_name"),
                a.get("date_of_birth"), a.str("passport_number")), required("first_name"), required("last_name"),
                required("date_of_birth"), required("passport_number"));
        method("set_budget_limit", a -> setBudget(a.get("access_token"), a.number("budget_limit")),
                required("access_token"), required("budget_limit"));
        method("get_nearest_airport_by_city", a -> dict("nearest_airport",
                NEAREST_AIRPORT.getOrDefault(a.get("location"), "Unknown")), required("location"));
        method("purchase_insurance", a -> insure(a.get("access_token"), a.get("booking_id"), a.number("insurance_cost"),
                a.get("card_id")), required("access_token"), required("insurance_type"), required("booking_id"),
                required("insurance_cost"), required("card_id"));
        method("contact_customer_support", a -> bookingRecord.containsKey(a.get("booking_id"))
                ? dict("customer_support_message", "Thank you for contacting customer support. Your message has been"
                        + " received and we will get back to you shortly.")
                : dict("error", "Booking not found"), required("booking_id"), required("message"));
        method("get_all_credit_cards", a -> dict("credit_card_list", creditCardList));
    }

    @Override
    public BackendClass kind() {
        return BackendClass.TRAVEL_API;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        random = new PyRandom(((Number) scenario.getOrDefault("random_seed", 141053L)).longValue());
        creditCardList = (Map<Object, Object>) scenario.getOrDefault("credit_card_list", new LinkedHashMap<>());
        bookingRecord = (Map<Object, Object>) scenario.getOrDefault("booking_record", new LinkedHashMap<>());
        accessToken = scenario.get("access_token");
        tokenType = scenario.get("token_type");
        tokenExpiresIn = scenario.get("token_expires_in");
        tokenScope = scenario.get("token_scope");
        userFirstName = scenario.get("user_first_name");
        userLastName = scenario.get("user_last_name");
        budgetLimit = scenario.get("budget_limit");
        this.longContext = longContext;
        if (longContext) {
            ((Map<Object, Object>) BackendData.longContext("CREDIT_CARD_EXTENSION")).forEach(creditCardList::putIfAbsent);
            ((Map<Object, Object>) BackendData.longContext("BOOKING_RECORD_EXTENSION")).forEach(bookingRecord::putIfAbsent);
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("credit_card_list", creditCardList);
        s.put("booking_record", bookingRecord);
        s.put("access_token", accessToken);
        s.put("token_type", tokenType);
        s.put("token_expires_in", tokenExpiresIn);
        s.put("token_scope", tokenScope);
        s.put("user_first_name", userFirstName);
        s.put("user_last_name", userLastName);
        s.put("budget_limit", budgetLimit);
        s.put("long_context", longContext);
        return s;
    }

    private Object authenticate(Object grantType, Object firstName, Object lastName) {
        tokenExpiresIn = 2L;
        accessToken = String.valueOf(random.randint(100000, 999999));
        tokenType = "Bearer";
        tokenScope = grantType;
        userFirstName = firstName;
        userLastName = lastName;
        return dict("expires_in", 2L, "access_token", accessToken, "token_type", "Bearer", "scope", grantType);
    }

    /** The two checks most methods open with: an expired token, then a wrong one. */
    private Map<Object, Object> tokenError(Object token) {
        if (Py.eq(tokenExpiresIn, 0L)) {
            return dict("error", "Token expired");
        }
        if (!Py.eq(token, accessToken)) {
            return dict("error", "Invalid access token");
        }
        return null;
    }

    private Object registerCard(Object token, Object number, Object expiration, Object holder, Object cvv) {
        if (tokenExpiresIn == null) {
            return dict("error", "Token not initialized");
        }
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return error;
        }
        if (creditCardList.containsKey(number)) {
            return dict("error", "Card already registered");
        }
        String cardId = String.valueOf(random.randint(100000000000L, 999999999999L));
        Map<Object, Object> card = dict("card_number", number, "expiration_date", expiration, "cardholder_name", holder,
                "card_verification_number", cvv);
        card.put("balance", random.randint(10000, 99999));
        creditCardList.put(cardId, card);
        return dict("card_id", cardId);
    }

    @SuppressWarnings("unchecked")
    private List<Object> flightCost(Object from, Object to, String date, Object travelClass) throws PyException {
        String pair = Py.str(from) + "|" + Py.str(to);
        if (!BASE_COSTS.containsKey(pair)) {
            throw new PyException("No available route for the given airports.");
        }
        long factor = switch (travelClass instanceof String s ? s : "") {
            case "economy" -> 1;
            case "business" -> 2;
            case "first" -> 5;
            default -> throw new PyException("Invalid travel class. Options are: economy, business, first.");
        };
        long digitSum = date.chars().filter(Character::isDigit).map(c -> Character.digit(c, 10)).sum();
        long multiplier = digitSum % 2 == 0 ? 2 : 1;
        String suffix = "|" + Py.str(travelClass) + "|" + date;
        List<Object> out = new ArrayList<>();
        flightCostLookup = new LinkedHashMap<>();
        if (longContext) {
            for (Map.Entry<String, Object> e : BASE_COSTS.entrySet()) {
                double cost = ((Number) e.getValue()).longValue() * factor * multiplier;
                flightCostLookup.put(e.getKey() + suffix, cost);
                out.add(cost);
            }
        } else {
            double cost = ((Number) BASE_COSTS.get(pair)).longValue() * factor * multiplier;
            flightCostLookup.put(pair + suffix, cost);
            out.add(cost);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Object cardBalance(Object token, Object cardId) {
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return error;
        }
        if (!creditCardList.containsKey(cardId)) {
            return dict("error", "Card not registered. Here are a list of card_id's: "
                    + Py.repr(new ArrayList<>(creditCardList.keySet())));
        }
        return dict("card_balance", ((Map<Object, Object>) creditCardList.get(cardId)).get("balance"));
    }

    private static Map<Object, Object> bookingError(String message) {
        return dict("booking_status", false, "error", message);
    }

    @SuppressWarnings("unchecked")
    private Object book(Object token, Object cardId, Object date, Object from, Object to, Object travelClass)
            throws PyException {
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return bookingError(Py.str(error.get("error")));
        }
        if (!creditCardList.containsKey(cardId)) {
            return bookingError("Card not registered");
        }
        Map<Object, Object> card = (Map<Object, Object>) creditCardList.get(cardId);
        if (!card.containsKey("balance")) {
            return bookingError("Balance not found");
        }
        if (!Py.contains(AIRPORTS, from)) {
            return bookingError("Invalid departure airport code: " + Py.str(from));
        }
        if (!Py.contains(AIRPORTS, to)) {
            return bookingError("Invalid destination airport code: " + Py.str(to));
        }
        try {
            PyTime.date(date);
        } catch (PyException e) {
            if (!(date instanceof String)) {
                throw e;
            }
            return bookingError("Invalid date format. Use YYYY-MM-DD.");
        }
        if (!List.of("economy", "business", "first").contains(travelClass)) {
            return bookingError("Invalid travel class. Must be one of {'economy', 'business', 'first'}");
        }
        Object cost;
        try {
            flightCost(from, to, (String) date, travelClass);
            cost = flightCostLookup.get(Py.str(from) + "|" + Py.str(to) + "|" + Py.str(travelClass) + "|" + date);
            if (cost == null) {
                return bookingError("No available route for the given parameters");
            }
        } catch (PyException e) {
            return bookingError(e.getMessage());
        }
        if (PyMath.compare(card.get("balance"), cost) < 0) {
            return bookingError("Insufficient funds");
        }
        if (budgetLimit != null && PyMath.compare(card.get("balance"), budgetLimit) < 0) {
            return bookingError("Balance is less than budget limit");
        }
        card.put("balance", PyMath.sub(card.get("balance"), cost));
        String bookingId = String.valueOf(random.randint(1000000, 9999999));
        String transactionId = String.valueOf(random.randint(10000000, 99999999));
        bookingRecord.put(bookingId, dict("card_id", cardId, "travel_date", date, "travel_from", from, "travel_to", to,
                "travel_class", travelClass, "travel_cost", cost, "transaction_id", transactionId));
        return dict("booking_id", bookingId, "transaction_id", transactionId, "booking_status", true,
                "booking_history", longContext ? bookingRecord : new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    private Object invoice(Object token, Object bookingId) {
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return error;
        }
        if (!bookingRecord.containsKey(bookingId)) {
            return dict("error", "Booking not found");
        }
        Map<Object, Object> b = (Map<Object, Object>) bookingRecord.get(bookingId);
        return dict("invoice", dict("booking_id", bookingId, "travel_date", b.get("travel_date"), "travel_from",
                b.get("travel_from"), "travel_to", b.get("travel_to"), "travel_class", b.get("travel_class"),
                "travel_cost", b.get("travel_cost"), "transaction_id", b.get("transaction_id")));
    }

    @SuppressWarnings("unchecked")
    private Object cancel(Object token, Object bookingId) throws PyException {
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return dict("cancel_status", false, "error", error.get("error"));
        }
        if (!bookingRecord.containsKey(bookingId)) {
            return dict("cancel_status", false, "error", "Booking not found");
        }
        Map<Object, Object> b = (Map<Object, Object>) bookingRecord.get(bookingId);
        Map<Object, Object> card = (Map<Object, Object>) creditCardList.get(b.get("card_id"));
        if (card == null) {
            throw new PyException(Py.repr(b.get("card_id")));
        }
        card.put("balance", PyMath.add(card.get("balance"), b.get("travel_cost")));
        bookingRecord.remove(bookingId);
        return dict("cancel_status", true);
    }

    private Object exchange(Object base, Object target, Object value) throws PyException {
        for (Object[] rate : EXCHANGE_RATES) {
            if (Py.eq(base, rate[0]) && Py.eq(target, rate[1])) {
                return dict("exchanged_value", Py.toDouble(PyMath.mul(value, rate[2])));
            }
            if (Py.eq(base, rate[1]) && Py.eq(target, rate[0])) {
                return dict("exchanged_value", PyMath.round(PyMath.div(value, rate[2]), 2));
            }
        }
        throw new PyException("No available exchange rate for the given currencies.");
    }

    private Object verify(Object first, Object last, Object dateOfBirth, String passport) throws PyException {
        if (!Py.eq(userFirstName, first) || !Py.eq(userLastName, last)) {
            return dict("verification_status", false, "verification_failure",
                    "Cannot book flight information for another user." + "Expected " + Py.str(userFirstName) + " "
                            + Py.str(userLastName) + ", got " + Py.str(first) + " " + Py.str(last));
        }
        LocalDateTime birth;
        try {
            birth = PyTime.date(dateOfBirth);
        } catch (PyException e) {
            if (!(dateOfBirth instanceof String)) {
                throw e;
            }
            return dict("verification_status", false, "verification_failure",
                    "Invalid date of birth format. Please use YYYY-MM-DD.");
        }
        LocalDate today = LocalDate.now();
        boolean beforeBirthday = today.getMonthValue() < birth.getMonthValue()
                || (today.getMonthValue() == birth.getMonthValue() && today.getDayOfMonth() < birth.getDayOfMonth());
        int age = today.getYear() - birth.getYear() - (beforeBirthday ? 1 : 0);
        if (age < 18) {
            return dict("verification_status", false, "verification_failure", "Traveler must be at least 18 years old.");
        }
        if (!passport.startsWith("US")) {
            return dict("verification_status", false, "verification_failure",
                    "Passport must be issued by the United States.");
        }
        return dict("verification_status", true);
    }

    private Object setBudget(Object token, Object limit) {
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return error;
        }
        budgetLimit = Py.toDouble(limit);
        return dict("budget_limit", budgetLimit);
    }

    @SuppressWarnings("unchecked")
    private Object insure(Object token, Object bookingId, Object cost, Object cardId) throws PyException {
        Map<Object, Object> error = tokenError(token);
        if (error != null) {
            return dict("insurance_status", false, "error", error.get("error"));
        }
        if (budgetLimit != null && PyMath.compare(budgetLimit, cost) < 0) {
            return dict("insurance_status", false, "error", "Exceeded budget limit");
        }
        if (!bookingRecord.containsKey(bookingId)) {
            return dict("insurance_status", false, "error", "Booking not found");
        }
        if (!creditCardList.containsKey(cardId)) {
            return dict("insurance_status", false, "error", "Credit card not registered");
        }
        Map<Object, Object> card = (Map<Object, Object>) creditCardList.get(cardId);
        card.put("balance", PyMath.sub(card.get("balance"), cost));
        return dict("insurance_id", String.valueOf(random.randint(100000000, 999999999)), "insurance_status", true);
    }
}
