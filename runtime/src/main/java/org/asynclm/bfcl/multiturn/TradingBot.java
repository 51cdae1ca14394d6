package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;
import static org.asynclm.bfcl.multiturn.Py.list;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BFCL's TradingBot (trading_bot.py): orders, an account, stocks and a watch list. Transaction timestamps are
 * drawn from a seeded generator within a day of a fixed "now"; the draw is the same in every time zone, so the
 * timestamps are too (Python goes through the local zone and back).
 */
public final class TradingBot extends Backend {
    private static final LocalDateTime CURRENT_TIME = LocalDateTime.of(2024, 9, 1, 10, 30);
    private static final Map<Object, Object> SYMBOLS = dict("Apple", "AAPL", "Google", "GOOG", "Tesla", "TSLA",
            "Microsoft", "MSFT", "Nvidia", "NVDA", "Zeta Corp", "ZETA", "Alpha Tech", "ALPH", "Omega Industries", "OMEG",
            "Quasar Ltd.", "QUAS", "Neptune Systems", "NEPT", "Synex Solutions", "SYNX", "Amazon", "AMZN",
            "Gorilla", "GORI");

    private Map<Object, Object> orders;
    private Map<Object, Object> accountInfo;
    private Object authenticated;
    private Object marketStatus;
    private Object orderCounter;
    private Map<Object, Object> stocks;
    private List<Object> watchList;
    private List<Object> transactionHistory;
    private boolean longContext;
    private PyRandom random;

    public TradingBot() {
        method("get_current_time", a -> dict("current_time", "10:30 AM"));
        method("get_symbol_by_name", a -> dict("symbol", SYMBOLS.getOrDefault(a.get("name"), "Stock not found")),
                required("name"));
        method("get_stock_info", a -> stockInfo(a.get("symbol")), required("symbol"));
        method("get_order_details", a -> orderDetails(a.get("order_id")), required("order_id"));
        method("cancel_order", a -> cancel(a.get("order_id")), required("order_id"));
        method("place_order", a -> place(a.str("order_type"), a.get("symbol"), a.number("price"), a.number("amount")),
                required("order_type"), required("symbol"), required("price"), required("amount"));
        method("withdraw_funds", a -> withdraw(a.number("amount")), required("amount"));
        method("get_account_info", a -> Py.truthy(authenticated) ? accountInfo
                : dict("error", "User not authenticated. Please log in to view account information."));
        method("trading_login", a -> login(), required("username"), required("password"));
        method("trading_get_login_status", a -> dict("status", Py.truthy(authenticated)));
        method("trading_logout", a -> logout());
        method("fund_account", a -> fund(a.number("amount")), required("amount"));
        method("remove_stock_from_watchlist", a -> removeFromWatchlist(a.get("symbol")), required("symbol"));
        method("get_watchlist", a -> watchlist());
        method("get_order_history", a -> Py.truthy(authenticated) ? dict("history", new ArrayList<>(orders.keySet()))
                : list(dict("error", "User not authenticated. Please log in to view order history.")));
        method("get_transaction_history", a -> history(a.get("start_date"), a.get("end_date")),
                optional("start_date", null), optional("end_date", null));
        method("get_available_stocks", a -> availableStocks(a.get("sector")), required("sector"));
        method("filter_stocks_by_price", a -> filterByPrice(a.list("stocks"), a.number("min_price"),
                a.number("max_price")), required("stocks"), required("min_price"), required("max_price"));
        method("add_to_watchlist", a -> addToWatchlist(a.get("stock")), required("stock"));
        method("notify_price_change", a -> notifyPriceChange(a.list("stocks"), a.number("threshold")),
                required("stocks"), required("threshold"));
    }

    @Override
    public BackendClass kind() {
        return BackendClass.TRADING_BOT;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        Map<Object, Object> defaults = (Map<Object, Object>) BackendData.get("trading_bot_default_state");
        orders = new LinkedHashMap<>();
        Map<Object, Object> given = (Map<Object, Object>) scenario.getOrDefault("orders", defaults.get("orders"));
        given.forEach((k, v) -> orders.put(k instanceof String s && !s.isEmpty() && s.chars().allMatch(Character::isDigit)
                ? (Object) Long.parseLong(s) : k, v));
        accountInfo = (Map<Object, Object>) scenario.getOrDefault("account_info", defaults.get("account_info"));
        authenticated = scenario.getOrDefault("authenticated", false);
        marketStatus = scenario.getOrDefault("market_status", "Closed");
        orderCounter = scenario.getOrDefault("order_counter", 12446L);
        stocks = (Map<Object, Object>) scenario.getOrDefault("stocks", defaults.get("stocks"));
        watchList = (List<Object>) scenario.getOrDefault("watch_list", list("NVDA"));
        transactionHistory = (List<Object>) scenario.getOrDefault("transaction_history", new ArrayList<>());
        this.longContext = longContext;
        random = new PyRandom(((Number) scenario.getOrDefault("random_seed", 1053520L)).longValue());
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("orders", orders);
        s.put("account_info", accountInfo);
        s.put("authenticated", authenticated);
        s.put("market_status", marketStatus);
        s.put("order_counter", orderCounter);
        s.put("stocks", stocks);
        s.put("watch_list", watchList);
        s.put("transaction_history", transactionHistory);
        s.put("long_context", longContext);
        return s;
    }

    private String transactionTimestamp() {
        long start = CURRENT_TIME.toEpochSecond(ZoneOffset.UTC);
        long drawn = random.randint(start, start + 86400);
        return PyTime.format(CURRENT_TIME.plusSeconds(drawn - start));
    }

    @SuppressWarnings("unchecked")
    private Object stockInfo(Object symbol) {
        if (!stocks.containsKey(symbol)) {
            return dict("error", "Stock with symbol '" + Py.str(symbol) + "' not found.");
        }
        if (longContext) {
            Map<Object, Object> stock = new LinkedHashMap<>((Map<Object, Object>) stocks.get(symbol));
            stock.put("MA(5)", BackendData.longContext("MA_5_EXTENSION"));
            stock.put("MA(20)", BackendData.longContext("MA_20_EXTENSION"));
            return stock;
        }
        return stocks.get(symbol);
    }

    @SuppressWarnings("unchecked")
    private Object orderDetails(Object id) {
        if (!orders.containsKey(id)) {
            return dict("error", "Order with ID " + Py.str(id) + " not found." + "Here is the list of orders_id: "
                    + Py.repr(new ArrayList<>(orders.keySet())));
        }
        if (longContext) {
            Map<Object, Object> order = new LinkedHashMap<>((Map<Object, Object>) orders.get(id));
            Map<Object, Object> metadata = new LinkedHashMap<>();
            ((Map<Object, Object>) BackendData.longContext("ORDER_DETAIL_EXTENSION")).forEach((k, v) ->
                    metadata.put(k, Py.str(v).replace("{symbol}", Py.str(order.get("symbol")))));
            order.put("metadata", metadata);
            return order;
        }
        return orders.get(id);
    }

    @SuppressWarnings("unchecked")
    private Object cancel(Object id) {
        if (!orders.containsKey(id)) {
            return dict("error", "Order with ID " + Py.str(id) + " not found.");
        }
        Map<Object, Object> order = (Map<Object, Object>) orders.get(id);
        if ("Completed".equals(order.get("status"))) {
            return dict("error", "Can't cancel order " + Py.str(id) + ". Order is already completed.");
        }
        order.put("status", "Cancelled");
        return dict("order_id", id, "status", "Cancelled");
    }

    private Object place(String orderType, Object symbol, Object price, Object amount) throws PyException {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please log in to place an order.");
        }
        if (!stocks.containsKey(symbol)) {
            return dict("error", "Invalid stock symbol: " + Py.str(symbol));
        }
        if (PyMath.compare(price, 0L) <= 0 || PyMath.compare(amount, 0L) <= 0) {
            return dict("error", "Price and amount must be positive values.");
        }
        if (orderType.toLowerCase(Locale.ROOT).equals("buy")) {
            double totalCost = Py.toDouble(price) * (double) (long) Py.toDouble(amount);
            Object balance = accountInfo.getOrDefault("balance", 0L);
            if (PyMath.compare(totalCost, balance) > 0) {
                return dict("error", "Insufficient funds: required $" + Py.formatFixed(totalCost, 2) + " but only $"
                        + Py.formatFixed(Py.toDouble(balance), 2) + " available.");
            }
        }
        double floatPrice = Py.toDouble(price);
        Object orderId = orderCounter;
        orders.put(orderId, dict("id", orderId, "order_type", orderType, "symbol", symbol, "price", floatPrice,
                "amount", amount, "status", "Open"));
        orderCounter = PyMath.add(orderCounter, 1L);
        return dict("order_id", orderId, "order_type", orderType, "status", "Pending", "price", floatPrice,
                "amount", amount);
    }

    private Object withdraw(Object amount) throws PyException {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please log in to make a transaction.");
        }
        if (!"Open".equals(marketStatus)) {
            return dict("error", "Market is closed. Transactions are not allowed.");
        }
        if (PyMath.compare(amount, 0L) <= 0) {
            return dict("error", "Transaction amount must be positive.");
        }
        if (PyMath.compare(amount, accountInfo.get("balance")) > 0) {
            return dict("error", "Insufficient funds for withdrawal.");
        }
        accountInfo.put("balance", PyMath.sub(accountInfo.get("balance"), amount));
        transactionHistory.add(dict("type", "withdrawal", "amount", amount, "timestamp", transactionTimestamp()));
        return dict("status", "Withdrawal successful", "new_balance", accountInfo.get("balance"));
    }

    private Object login() {
        if (Py.truthy(authenticated)) {
            return dict("status", "Already logged in");
        }
        authenticated = true;
        return dict("status", "Logged in successfully");
    }

    private Object logout() {
        if (!Py.truthy(authenticated)) {
            return dict("status", "No user is currently logged in");
        }
        authenticated = false;
        return dict("status", "Logged out successfully");
    }

    private Object fund(Object amount) throws PyException {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please log in to fund the account.");
        }
        if (PyMath.compare(amount, 0L) <= 0) {
            return dict("error", "Funding amount must be positive.");
        }
        accountInfo.put("balance", PyMath.add(accountInfo.get("balance"), amount));
        transactionHistory.add(dict("type", "deposit", "amount", amount, "timestamp", transactionTimestamp()));
        return dict("status", "Account funded successfully", "new_balance", accountInfo.get("balance"));
    }

    private Object removeFromWatchlist(Object symbol) {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please log in to modify the watchlist.");
        }
        for (int i = 0; i < watchList.size(); i++) {
            if (Py.eq(watchList.get(i), symbol)) {
                watchList.remove(i);
                return dict("status", "Stock " + Py.str(symbol) + " removed from watchlist successfully.");
            }
        }
        return dict("error", "Stock " + Py.str(symbol) + " not found in watchlist.");
    }

    @SuppressWarnings("unchecked")
    private Object watchlist() {
        if (!Py.truthy(authenticated)) {
            return list("Error: User not authenticated. Please log in to view the watchlist.");
        }
        if (longContext) {
            List<Object> extended = new ArrayList<>(watchList);
            extended.addAll((List<Object>) BackendData.longContext("WATCH_LIST_EXTENSION"));
            return extended;
        }
        return dict("watchlist", watchList);
    }

    @SuppressWarnings("unchecked")
    private Object history(Object startDate, Object endDate) throws PyException {
        if (!Py.truthy(authenticated)) {
            return list(dict("error", "User not authenticated. Please log in to view transaction history."));
        }
        LocalDateTime start = Py.truthy(startDate) ? PyTime.date(startDate) : LocalDateTime.MIN;
        LocalDateTime end = Py.truthy(endDate) ? PyTime.date(endDate) : LocalDateTime.MAX;
        List<Object> filtered = new ArrayList<>();
        for (Object t : transactionHistory) {
            LocalDateTime at = PyTime.dateTime(((Map<Object, Object>) t).get("timestamp"));
            if (!at.isBefore(start) && !at.isAfter(end)) {
                filtered.add(t);
            }
        }
        if (longContext) {
            filtered.addAll((List<Object>) BackendData.longContext("TRANSACTION_HISTORY_EXTENSION"));
        }
        return dict("transaction_history", filtered);
    }

    @SuppressWarnings("unchecked")
    private Object availableStocks(Object sector) {
        Map<Object, Object> sectors = dict("Technology", list("AAPL", "GOOG", "MSFT", "NVDA"),
                "Automobile", list("TSLA", "F", "GM"));
        if (longContext) {
            ((List<Object>) sectors.get("Technology")).addAll((List<Object>) BackendData.longContext("TECHNOLOGY_EXTENSION"));
            ((List<Object>) sectors.get("Automobile")).addAll((List<Object>) BackendData.longContext("AUTOMOBILE_EXTENSION"));
        }
        return dict("stock_list", sectors.getOrDefault(sector, new ArrayList<>()));
    }

    private Object price(Object symbol) {
        Object stock = stocks.get(symbol);
        return stock instanceof Map<?, ?> m && m.containsKey("price") ? m.get("price") : 0L;
    }

    private Object filterByPrice(List<Object> symbols, Object min, Object max) throws PyException {
        List<Object> out = new ArrayList<>();
        for (Object s : symbols) {
            if (PyMath.compare(price(s), min) >= 0 && PyMath.compare(price(s), max) <= 0) {
                out.add(s);
            }
        }
        return dict("filtered_stocks", out);
    }

    private Object addToWatchlist(Object stock) {
        if (!Py.contains(watchList, stock) && stocks.containsKey(stock)) {
            watchList.add(stock);
        }
        return dict("watchlist", watchList);
    }

    @SuppressWarnings("unchecked")
    private Object notifyPriceChange(List<Object> symbols, Object threshold) throws PyException {
        List<String> changed = new ArrayList<>();
        for (Object s : symbols) {
            if (stocks.containsKey(s)) {
                double change = Math.abs(Py.toDouble(((Map<Object, Object>) stocks.get(s)).get("percent_change")));
                if (PyMath.compare(change, threshold) >= 0) {
                    changed.add(Py.str(s));
                }
            }
        }
        if (!changed.isEmpty()) {
            return dict("notification", "Stocks " + String.join(", ", changed) + " have significant price changes.");
        }
        return dict("notification", "No significant price changes in the selected stocks.");
    }
}
