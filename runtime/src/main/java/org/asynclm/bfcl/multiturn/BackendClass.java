package org.asynclm.bfcl.multiturn;

import java.util.function.Supplier;

/** BFCL's multi-turn classes, by the name entries use in {@code involved_classes} and {@code initial_config}. */
public enum BackendClass {
    GORILLA_FILE_SYSTEM("GorillaFileSystem", "gorilla_file_system.json", GorillaFileSystem::new),
    MATH_API("MathAPI", "math_api.json", MathApi::new),
    MESSAGE_API("MessageAPI", "message_api.json", MessageApi::new),
    TWITTER_API("TwitterAPI", "posting_api.json", TwitterApi::new),
    TICKET_API("TicketAPI", "ticket_api.json", TicketApi::new),
    TRADING_BOT("TradingBot", "trading_bot.json", TradingBot::new),
    TRAVEL_API("TravelAPI", "travel_booking.json", TravelApi::new),
    VEHICLE_CONTROL_API("VehicleControlAPI", "vehicle_control.json", VehicleControlApi::new);

    private final String pythonName;
    private final String docFile;
    private final Supplier<Backend> factory;

    BackendClass(String pythonName, String docFile, Supplier<Backend> factory) {
        this.pythonName = pythonName;
        this.docFile = docFile;
        this.factory = factory;
    }

    public String pythonName() {
        return pythonName;
    }

    /** The file in BFCL's {@code multi_turn_func_doc/} that documents this class's functions. */
    public String docFile() {
        return docFile;
    }

    /** A new instance, not yet loaded. */
    public Backend create() {
        return factory.get();
    }

    /** MathAPI keeps no state, so BFCL never calls its {@code _load_scenario}. */
    public boolean stateless() {
        return this == MATH_API;
    }

    /** The class of a Python name, or null where BFCL has no such executable class. */
    public static BackendClass byPythonName(String name) {
        for (BackendClass c : values()) {
            if (c.pythonName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
