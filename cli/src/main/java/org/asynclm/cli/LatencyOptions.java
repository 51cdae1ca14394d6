package org.asynclm.cli;

import java.util.ArrayList;
import java.util.List;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.CostModel;
import org.asynclm.runtime.Method;
import org.asynclm.runtime.scenario.LatencyDistribution;
import org.asynclm.runtime.teacher.PolicyName;
import picocli.CommandLine.Option;

/** The timing options shared by simulate and eval latency. */
final class LatencyOptions {
    @Option(names = "--tpot-ms", paramLabel = "T", defaultValue = "5", description = "Time per generated token, ms (default: ${DEFAULT-VALUE}).")
    double tpotMs;

    @Option(names = "--prefill-ms-per-token", paramLabel = "P", defaultValue = "0",
            description = "Cost of each token appended to the context, ms (default: ${DEFAULT-VALUE}).")
    double prefillMs;

    @Option(names = "--deployment", paramLabel = "D", defaultValue = "local",
            description = "'local' keeps the KV cache; 'cloud' pays --ttft-ms whenever a stopped generation resumes "
                    + "(every method but Async) (default: ${DEFAULT-VALUE}).")
    String deployment;

    @Option(names = "--ttft-ms", paramLabel = "MS", defaultValue = "0",
            description = "Time to first token of a new request in the cloud deployment (default: ${DEFAULT-VALUE}).")
    double ttftMs;

    @Option(names = "--tool-latency", paramLabel = "MIN:MAX:MEAN", defaultValue = "30:500:110",
            description = "Tool execution times of generated tasks, ms (default: ${DEFAULT-VALUE}, the paper's evaluation tools).")
    String toolLatency;

    @Option(names = "--methods", paramLabel = "M,...", split = ",", defaultValue = "sync,sync-parallel,async-naive,async",
            description = "Methods to run (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--policy", paramLabel = "P", defaultValue = "lpt",
            description = "Teacher's issue order: lpt, critical-path or random (default: ${DEFAULT-VALUE}).")
    PolicyName policy;

    List<Method> methods() throws BadInputException {
        List<Method> out = new ArrayList<>();
        for (String m : methods) {
            try {
                out.add(Method.parse(m.strip()));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--methods: " + e.getMessage());
            }
        }
        return out;
    }

    PolicyName policy() {
        return policy;
    }

    LatencyDistribution latency() throws BadInputException {
        try {
            return LatencyDistribution.parse(toolLatency);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--tool-latency: " + e.getMessage());
        }
    }

    CostModel cost() throws BadInputException {
        if (!(tpotMs >= 0) || !(prefillMs >= 0) || !(ttftMs >= 0)) {
            throw new BadInputException("--tpot-ms, --prefill-ms-per-token and --ttft-ms must be >= 0");
        }
        CostModel.Deployment d = switch (deployment) {
            case "local" -> CostModel.Deployment.LOCAL;
            case "cloud" -> CostModel.Deployment.CLOUD;
            default -> throw new BadInputException("--deployment: expected local or cloud, got '" + deployment + "'");
        };
        return new CostModel(CostModel.msToNanos(tpotMs), CostModel.msToNanos(prefillMs), d,
                CostModel.msToNanos(ttftMs));
    }
}
