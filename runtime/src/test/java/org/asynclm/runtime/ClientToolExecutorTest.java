package org.asynclm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.asynclm.runtime.clock.WallClock;
import org.asynclm.runtime.exec.ClientToolExecutor;
import org.asynclm.runtime.exec.Invocation;
import org.asynclm.runtime.exec.Tool;
import org.asynclm.runtime.tokens.ByteTokenizer;
import org.junit.jupiter.api.Test;

/**
 * Tools on the client's side: the call reaches the client as the model finishes writing it, the trap waits, the
 * client's result is injected once at the next boundary, and a second result for the same call is refused. What came
 * after the last boundary is named when the turn ends.
 */
class ClientToolExecutorTest {
    @Test
    void aClientsResultIsInjectedOnceAndTheTrapWaitsForIt() throws Exception {
        ByteTokenizer tok = new ByteTokenizer();
        WallClock clock = new WallClock(false);
        List<String> calls = new ArrayList<>();
        List<ClientToolExecutor.Delivery> deliveries = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> clients = new ArrayList<>();
        ClientToolExecutor[] executor = new ClientToolExecutor[1];
        executor[0] = new ClientToolExecutor(clock, (id, function, arguments) -> {
            calls.add(id + " " + function + " " + arguments);
            clients.add(Thread.ofVirtual().start(() -> { // the client runs the tool, elsewhere, and answers later
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                deliveries.add(executor[0].complete(id, "{\"user_id\": \"U2795\"}", false));
                deliveries.add(executor[0].complete(id, "{\"again\": true}", false));
            }));
        });
        Session s = new Session(new ScriptedEngine(tok, "[CALL]a[HEAD]find_user(username='k')[END][TRAP][END]Done.",
                true), tok, clock, executor[0], Map.of("find_user", clientSide("find_user")),
                new SessionConfig(Method.ASYNC, CostModel.local(0, 0), CacheCosts.SINGLE_USER, 1000), null);
        Outcome o = s.run(tok.encode("p"));
        for (Thread c : clients) {
            c.join(); // its second, late answer included
        }
        executor[0].close();
        assertEquals(EndState.DONE, o.endState(), o.errors().toString());
        assertEquals(List.of("a find_user {username=k}"), calls);
        assertEquals("[CALL]a[HEAD]find_user(username='k')[END][TRAP][END][INTR]a[HEAD]{\"user_id\": \"U2795\"}[END]Done.",
                o.transcript());
        assertEquals(List.of(ClientToolExecutor.Delivery.DELIVERED, ClientToolExecutor.Delivery.NO_SUCH_CALL),
                deliveries);
    }

    /** What was accepted after the turn's last boundary is named at its end, and nothing is accepted after it. */
    @Test
    void whatCameTooLateIsNamedAndTheEndedTurnRefusesMore() {
        ClientToolExecutor executor = new ClientToolExecutor(new WallClock(false), (id, function, arguments) -> { });
        assertEquals(true, executor.postUser("first"));
        assertEquals(true, executor.postUser("late"));
        assertEquals(true, executor.postUser("first"));
        String transcript = "text[INTR]user[HEAD]\"first\"[END]more";
        assertEquals(List.of("[INTR]user[HEAD]\"late\"[END]", "[INTR]user[HEAD]\"first\"[END]"),
                executor.end(transcript), "the second 'first' never entered the context either");
        assertEquals(false, executor.postUser("after"));
        assertEquals(ClientToolExecutor.Delivery.ENDED, executor.complete("a", "1", false));
    }

    private static Tool clientSide(String name) {
        return new Tool() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ObjectNode schema() {
                return JsonNodeFactory.instance.objectNode().put("name", name);
            }

            @Override
            public Object invoke(Invocation inv) {
                throw new IllegalStateException("runs on the client");
            }
        };
    }
}
