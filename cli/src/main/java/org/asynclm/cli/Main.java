package org.asynclm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.asynclm.model.llama.Denormals;
import org.asynclm.runtime.BadInputException;
import org.asynclm.runtime.config.ConfigName;
import org.asynclm.runtime.remote.RemoteFailure;
import org.asynclm.runtime.files.FileErrors;
import org.asynclm.runtime.stop.StopSignals;
import org.asynclm.runtime.stop.StoppedException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

@Command(name = "asynclm", mixinStandardHelpOptions = true, version = "asynclm 0.1.0",
        description = "Asynchronous LLM function calling: simulate the runtime, generate traces, fine-tune Llama, "
                + "evaluate on BFCL.",
        subcommands = {QuickstartCommand.class, SimulateCommand.class, DatagenCommand.class, InitModelCommand.class,
                ModelCommand.class, GenerateCommand.class, TokenizerCommand.class, TrainDataCommand.class, TrainCommand.class, ExportCommand.class,
                ChatCommand.class, ServeCommand.class,
                EvalCommand.class,
                BfclCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Example:", "  bin/asynclm simulate --synthetic parallel --calls 6 --seed 1 --tpot-ms 5"})
public final class Main {

    /** Exit code for a user mistake: bad input, a bad option. */
    public static final int BAD_INPUT = 2;

    /** The JVM option that keeps IEEE subnormal floats on the CPU ({@code -Dasynclm.denormals=keep}; see Denormals). */
    static final String DENORMALS = "asynclm.denormals";

    public static void main(String[] args) {
        StopSignals.install();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        String denormals = System.getProperty(DENORMALS, Denormals.Mode.FLUSH.id());
        try {
            Denormals.use(ConfigName.parse(Denormals.Mode.class, denormals));
        } catch (IllegalArgumentException e) {
            err.println("asynclm: -D" + DENORMALS + ": " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        CommandLine cl = new CommandLine(new Main());
        ConfigNames.register(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof BadInputException || ex instanceof RemoteFailure) { // a server that is down or refuses
                err.println("asynclm: " + ex.getMessage());
                err.flush();
                return BAD_INPUT;
            }
            IOException io = ex instanceof IOException e ? e
                    : ex instanceof UncheckedIOException u ? u.getCause() : null;
            if (io != null) { // a file that cannot be read or written: the environment, not a bug
                err.println("asynclm: " + FileErrors.describe(io));
                err.flush();
                return BAD_INPUT;
            }
            if (ex instanceof StoppedException stopped) { // a job that stopped at a safe point on a signal
                err.println("asynclm: " + stopped.getMessage());
                err.flush();
                return stopped.exitCode();
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            err.println("asynclm: " + ex.getMessage() + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
