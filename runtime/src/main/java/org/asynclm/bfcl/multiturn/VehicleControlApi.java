package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's VehicleControlAPI (vehicle_control.py): engine, doors, brakes, climate, navigation and a few lookups.
 * The brake pedal's and parking brake's forces are private attributes, so the state check does not compare them.
 */
public final class VehicleControlApi extends Backend {
    private static final long MAX_FUEL_LEVEL = 50;
    private static final double MIN_FUEL_LEVEL = 0.0;
    private static final double MILE_PER_GALLON = 20.0;
    private static final Map<Object, Object> ZIP_CODES = dict("Rivermist", "83214", "Stonebrook", "74532",
            "Maplecrest", "56108", "Silverpine", "62947", "Shadowridge", "71354", "Sunset Valley", "83462",
            "Oakendale", "47329", "Willowbend", "52013", "Crescent Hollow", "69238", "Autumnville", "51479",
            "San Francisco", "94016");
    /** Distances by unordered pair of ZIP codes, in Python's order of tests. */
    private static final Object[][] DISTANCES = {{"83214", "74532", 750.0}, {"56108", "62947", 320.0},
            {"71354", "83462", 450.0}, {"47329", "52013", 290.0}, {"69238", "51479", 630.0}, {"94016", "83214", 980.0},
            {"94016", "94704", 600.0}, {"94704", "08540", 2550.0}, {"94016", "08540", 1950.0},
            {"62947", "47329", 1053.0}, {"94016", "62947", 780.0}, {"74532", "94016", 880.0}};

    private Object fuelLevel;
    private Object batteryVoltage;
    private Object engineState;
    private Object remainingUnlockedDoors;
    private Map<Object, Object> doorStatus;
    private Object acTemperature;
    private Object fanSpeed;
    private Object acMode;
    private Object humidityLevel;
    private Object headLightStatus;
    private Object parkingBrakeStatus;
    private Object parkingBrakeForce;
    private Object slopeAngle;
    private Object brakePedalStatus;
    private Object brakePedalForce;
    private Object distanceToNextVehicle;
    private Object cruiseStatus;
    private Object destination;
    private Object frontLeftTirePressure;
    private Object frontRightTirePressure;
    private Object rearLeftTirePressure;
    private Object rearRightTirePressure;
    private boolean longContext;
    private PyRandom random;

    public VehicleControlApi() {
        method("startEngine", a -> startEngine(a.get("ignitionMode")), required("ignitionMode"));
        method("fillFuelTank", a -> fill(a.number("fuelAmount")), required("fuelAmount"));
        method("lockDoors", a -> lockDoors(a.bool("unlock"), a.list("door")), required("unlock"), required("door"));
        method("adjustClimateControl", a -> climate(a.number("temperature"), a.get("unit"), a.number("fanSpeed"),
                a.get("mode")), required("temperature"), optional("unit", "celsius"), optional("fanSpeed", 50L),
                optional("mode", "auto"));
        method("get_outside_temperature_from_google", a -> outsideTemperature());
        method("get_outside_temperature_from_weather_com", a -> dict("error", 404L));
        method("setHeadlights", a -> headlights(a.get("mode")), required("mode"));
        method("displayCarStatus", a -> carStatus(a.get("option")), required("option"));
        method("activateParkingBrake", a -> parkingBrake(a.get("mode")), required("mode"));
        method("pressBrakePedal", a -> pressBrake(a.number("pedalPosition")), required("pedalPosition"));
        method("releaseBrakePedal", a -> {
            brakePedalStatus = "released";
            brakePedalForce = 0.0;
            return dict("brakePedalStatus", "released", "brakePedalForce", 0.0);
        });
        method("setCruiseControl", a -> cruise(a.number("speed"), a.bool("activate"),
                a.number("distanceToNextVehicle")), required("speed"), required("activate"),
                required("distanceToNextVehicle"));
        method("get_current_speed", a -> dict("currentSpeed", 120.0 * random.random()));
        method("display_log", a -> dict("log", a.get("messages")), required("messages"));
        method("estimate_drive_feasibility_by_mileage", a -> dict("canDrive",
                PyMath.compare(PyMath.mul(fuelLevel, MILE_PER_GALLON), a.number("distance")) >= 0),
                required("distance"));
        method("liter_to_gallon", a -> dict("gallon", PyMath.mul(a.number("liter"), 0.264172)), required("liter"));
        method("gallon_to_liter", a -> dict("liter", PyMath.mul(a.number("gallon"), 3.78541)), required("gallon"));
        method("estimate_distance", a -> distance(a.get("cityA"), a.get("cityB")), required("cityA"), required("cityB"));
        method("get_zipcode_based_on_city", a -> dict("zipcode", ZIP_CODES.getOrDefault(a.get("city"), "00000")),
                required("city"));
        method("set_navigation", a -> {
            if (!(a.get("destination") instanceof String d)) {
                throw new PyException("can only concatenate str (not \"" + Py.typeName(a.get("destination"))
                        + "\") to str");
            }
            destination = d;
            return dict("status", "Navigating to " + d);
        }, required("destination"));
        method("check_tire_pressure", a -> tirePressure());
        method("find_nearest_tire_shop", a -> dict("shopLocation", "456 Oakwood Avenue, Rivermist, 83214"));
    }

    @Override
    public BackendClass kind() {
        return BackendClass.VEHICLE_CONTROL_API;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        random = new PyRandom(((Number) scenario.getOrDefault("random_seed", 141053L)).longValue());
        fuelLevel = scenario.getOrDefault("fuelLevel", 0.0);
        batteryVoltage = scenario.getOrDefault("batteryVoltage", 12.6);
        engineState = scenario.getOrDefault("engineState", "stopped");
        doorStatus = (Map<Object, Object>) scenario.getOrDefault("doorStatus", dict("driver", "unlocked",
                "passenger", "unlocked", "rear_left", "unlocked", "rear_right", "unlocked"));
        long locked = doorStatus.values().stream().filter("locked"::equals).count();
        remainingUnlockedDoors = 4 - locked;
        acTemperature = scenario.getOrDefault("acTemperature", 25.0);
        fanSpeed = scenario.getOrDefault("fanSpeed", 50L);
        acMode = scenario.getOrDefault("acMode", "auto");
        humidityLevel = scenario.getOrDefault("humidityLevel", 50.0);
        headLightStatus = scenario.getOrDefault("headLightStatus", "off");
        parkingBrakeStatus = scenario.getOrDefault("parkingBrakeStatus", "released");
        parkingBrakeForce = scenario.getOrDefault("parkingBrakeForce", 0.0);
        slopeAngle = scenario.getOrDefault("slopeAngle", 0.0);
        brakePedalStatus = scenario.getOrDefault("brakePedalStatus", "released");
        brakePedalForce = scenario.getOrDefault("brakePedalForce", 0.0);
        distanceToNextVehicle = scenario.getOrDefault("distanceToNextVehicle", 50.0);
        cruiseStatus = scenario.getOrDefault("cruiseStatus", "inactive");
        destination = scenario.getOrDefault("destination", "None");
        frontLeftTirePressure = scenario.getOrDefault("frontLeftTirePressure", 32.0);
        frontRightTirePressure = scenario.getOrDefault("frontRightTirePressure", 32.0);
        rearLeftTirePressure = scenario.getOrDefault("rearLeftTirePressure", 30.0);
        rearRightTirePressure = scenario.getOrDefault("rearRightTirePressure", 30.0);
        this.longContext = longContext;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("fuelLevel", fuelLevel);
        s.put("batteryVoltage", batteryVoltage);
        s.put("engine_state", engineState);
        s.put("remainingUnlockedDoors", remainingUnlockedDoors);
        s.put("doorStatus", doorStatus);
        s.put("acTemperature", acTemperature);
        s.put("fanSpeed", fanSpeed);
        s.put("acMode", acMode);
        s.put("humidityLevel", humidityLevel);
        s.put("headLightStatus", headLightStatus);
        s.put("parkingBrakeStatus", parkingBrakeStatus);
        s.put("brakePedalStatus", brakePedalStatus);
        s.put("distanceToNextVehicle", distanceToNextVehicle);
        s.put("cruiseStatus", cruiseStatus);
        s.put("destination", destination);
        s.put("frontLeftTirePressure", frontLeftTirePressure);
        s.put("frontRightTirePressure", frontRightTirePressure);
        s.put("rearLeftTirePressure", rearLeftTirePressure);
        s.put("rearRightTirePressure", rearRightTirePressure);
        s.put("long_context", longContext);
        return s;
    }

    private Object startEngine(Object mode) throws PyException {
        if ("STOP".equals(mode)) {
            engineState = "stopped";
        }
        if (PyMath.compare(remainingUnlockedDoors, 0L) > 0) {
            List<String> unlocked = new ArrayList<>();
            doorStatus.forEach((door, status) -> {
                if ("unlocked".equals(status)) {
                    unlocked.add(Py.str(door));
                }
            });
            return dict("error", "All doors must be locked before starting the engine. Here are the unlocked doors: "
                    + String.join(", ", unlocked));
        }
        if (!"pressed".equals(brakePedalStatus)) {
            return dict("error", "Brake pedal needs to be pressed when starting the engine.");
        }
        if (!Py.eq(brakePedalForce, 1000.0)) {
            return dict("error", "Must press the brake fully before starting the engine.");
        }
        if (PyMath.compare(fuelLevel, MIN_FUEL_LEVEL) < 0) {
            return dict("error", "Fuel tank is empty.");
        }
        if (!"START".equals(mode)) {
            return dict("error", "Invalid ignition mode.");
        }
        engineState = "running";
        return dict("engineState", engineState, "fuelLevel", fuelLevel, "batteryVoltage", batteryVoltage);
    }

    private Object fill(Object amount) throws PyException {
        if (PyMath.compare(amount, 0L) < 0) {
            return dict("error", "Fuel amount cannot be negative.");
        }
        Object after = PyMath.add(fuelLevel, amount);
        if (PyMath.compare(after, MAX_FUEL_LEVEL) > 0) {
            return dict("error", "Cannot fill gas above the tank capacity.");
        }
        if (PyMath.compare(after, MIN_FUEL_LEVEL) < 0) {
            return dict("error", "Fuel tank is empty. Min fuel level is 0 gallons.");
        }
        fuelLevel = after;
        return dict("fuelLevel", fuelLevel);
    }

    private Object lockDoors(boolean unlock, List<Object> doors) throws PyException {
        String target = unlock ? "unlocked" : "locked";
        for (Object d : doors) {
            if (!doorStatus.containsKey(d)) {
                throw new PyException(Py.repr(d));
            }
            if (target.equals(doorStatus.get(d))) {
                continue;
            }
            doorStatus.put(d, target);
            remainingUnlockedDoors = PyMath.add(remainingUnlockedDoors, unlock ? 1L : -1L);
        }
        return dict("lockStatus", target, "remainingUnlockedDoors", remainingUnlockedDoors);
    }

    private Object climate(Object temperature, Object unit, Object speed, Object mode) throws PyException {
        if (PyMath.compare(speed, 0L) < 0 || PyMath.compare(speed, 100L) > 0) {
            return dict("error", "Fan speed must be between 0 and 100.");
        }
        acTemperature = temperature;
        if ("fahrenheit".equals(unit)) {
            acTemperature = PyMath.div(PyMath.mul(PyMath.sub(temperature, 32L), 5L), 9L);
        }
        fanSpeed = speed;
        acMode = mode;
        return dict("currentACTemperature", temperature, "climateMode", mode, "humidityLevel", humidityLevel);
    }

    @SuppressWarnings("unchecked")
    private Object outsideTemperature() {
        double t = -10.0 + 50.0 * random.random();
        if (longContext) {
            Map<Object, Object> weather = (Map<Object, Object>) BackendData.longContext("LONG_WEATHER_EXTENSION");
            weather.put("outsideTemperature", t);
            return weather;
        }
        return dict("outsideTemperature", t);
    }

    private Object headlights(Object mode) {
        if (!List.of("on", "off", "auto").contains(mode)) {
            return dict("error", "Invalid headlight mode.");
        }
        headLightStatus = "on".equals(mode) ? "on" : "off";
        return dict("headlightStatus", headLightStatus);
    }

    private Object carStatus(Object option) {
        Map<Object, Object> status = new LinkedHashMap<>();
        if (longContext) {
            status.put("metadata", BackendData.longContext("CAR_STATUS_METADATA_EXTENSION"));
        }
        switch (option instanceof String s ? s : "") {
            case "fuel" -> status.put("fuelLevel", fuelLevel);
            case "battery" -> status.put("batteryVoltage", batteryVoltage);
            case "doors" -> status.put("doorStatus", doorStatus);
            case "climate" -> {
                status.put("currentACTemperature", acTemperature);
                status.put("fanSpeed", fanSpeed);
                status.put("climateMode", acMode);
                status.put("humidityLevel", humidityLevel);
            }
            case "headlights" -> status.put("headlightStatus", headLightStatus);
            case "parkingBrake" -> {
                status.put("parkingBrakeStatus", parkingBrakeStatus);
                status.put("parkingBrakeForce", parkingBrakeForce);
                status.put("slopeAngle", slopeAngle);
            }
            case "brakePedal" -> {
                status.put("brakePedalStatus", brakePedalStatus);
                status.put("brakePedalForce", brakePedalForce);
            }
            case "engine" -> status.put("engineState", engineState);
            default -> status.put("error", "Invalid option");
        }
        return status;
    }

    private Object parkingBrake(Object mode) {
        if (!"engage".equals(mode) && !"release".equals(mode)) {
            return dict("error", "Invalid mode");
        }
        boolean engage = "engage".equals(mode);
        parkingBrakeStatus = engage ? "engaged" : "released";
        parkingBrakeForce = engage ? 500.0 : 0.0;
        slopeAngle = 10.0;
        Map<Object, Object> out = new LinkedHashMap<>();
        if (longContext) {
            out.put("parkingBrakeInstruction", BackendData.longContext("PARKING_BRAKE_INSTRUCTION"));
        }
        out.put("parkingBrakeStatus", parkingBrakeStatus);
        out.put("_parkingBrakeForce", parkingBrakeForce);
        out.put("_slopeAngle", 10.0);
        return out;
    }

    private Object pressBrake(Object position) throws PyException {
        if (PyMath.compare(position, 0L) < 0 || PyMath.compare(position, 1L) > 0) {
            return dict("error", "Pedal position must be between 0 and 1.");
        }
        if (Py.toDouble(position) == 0) {
            brakePedalStatus = "released";
            brakePedalForce = 0.0;
            return dict("brakePedalStatus", "released", "brakePedalForce", 0.0);
        }
        Object force = PyMath.mul(position, 1000L);
        brakePedalStatus = "pressed";
        brakePedalForce = force;
        return dict("brakePedalStatus", "pressed", "brakePedalForce", Py.toDouble(force));
    }

    private Object cruise(Object speedValue, boolean activate, Object distanceValue) throws PyException {
        double distance = Py.toDouble(distanceValue);
        double speed = Py.toDouble(speedValue);
        if ("stopped".equals(engineState)) {
            return dict("error", "Start the engine before activating the cruise control.");
        }
        distanceToNextVehicle = distance;
        if (activate) {
            if (speed < 0 || speed > 120 || speed % 5 != 0) {
                return dict("error", "Invalid speed");
            }
            cruiseStatus = "active";
        } else {
            cruiseStatus = "inactive";
        }
        return dict("cruiseStatus", cruiseStatus, "currentSpeed", speed, "distanceToNextVehicle", distance);
    }

    private Object distance(Object a, Object b) {
        Map<Object, Object> out = null;
        for (Object[] d : DISTANCES) {
            if ((Py.eq(a, d[0]) && Py.eq(b, d[1])) || (Py.eq(a, d[1]) && Py.eq(b, d[0]))) {
                out = dict("distance", d[2]);
                break;
            }
        }
        if (out == null) {
            out = dict("error", "distance not found in database.");
        }
        if (longContext) {
            out.put("intermediaryCities", BackendData.longContext("INTERMEDIARY_CITIES"));
        }
        return out;
    }

    private Object tirePressure() throws PyException {
        Object total = PyMath.add(PyMath.add(PyMath.add(frontLeftTirePressure, frontRightTirePressure),
                rearLeftTirePressure), rearRightTirePressure);
        double mean = PyMath.div(total, 4L);
        Map<Object, Object> status = dict("frontLeftTirePressure", frontLeftTirePressure,
                "frontRightTirePressure", frontRightTirePressure, "rearLeftTirePressure", rearLeftTirePressure,
                "rearRightTirePressure", rearRightTirePressure, "healthy_tire_pressure", 30 <= mean && mean <= 35,
                "car_info", new LinkedHashMap<>());
        if (longContext) {
            status.put("car_info", BackendData.longContext("CAR_STATUS_METADATA_EXTENSION"));
        }
        return status;
    }
}
