package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.proxy.RetryState.Decision;
import io.vertx.core.http.HttpMethod;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry decision as a table: outcome × retry_on × method × tries × replayable body × retry_non_idempotent. */
class RetryStateTest {

    @ParameterizedTest(name = "{0} {1} on [{2}], attempts {3} after {4} tries, replayable {5}, non-idempotent ok {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # outcome       | method | retry_on                        | attempts | tries | replayable | any method | decision
            connect_failure | GET    | connect_failure                 | 2        | 1     | true       | false      | REQUEUE
            connect_failure | POST   | connect_failure                 | 2        | 1     | true       | false      | REQUEUE
            connect_failure | GET    | reset                           | 2        | 1     | true       | false      | NO
            connect_failure | GET    | connect_failure                 | 2        | 2     | true       | false      | NO
            connect_failure | GET    | connect_failure                 | 3        | 2     | true       | false      | REQUEUE
            connect_failure | PUT    | connect_failure                 | 2        | 1     | false      | false      | NO
            reset           | GET    | reset                           | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            reset           | POST   | reset                           | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            reset           | GET    | connect_failure                 | 2        | 1     | true       | false      | NO
            reset           | GET    | reset                           | 1        | 1     | true       | false      | NO
            503             | GET    | gateway_error                   | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            502             | DELETE | gateway_error                   | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            504             | GET    | gateway_error                   | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            500             | GET    | gateway_error                   | 2        | 1     | true       | false      | NO
            500             | GET    | 5xx                             | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            503             | POST   | gateway_error                   | 2        | 1     | true       | false      | NO
            503             | POST   | gateway_error                   | 2        | 1     | true       | true       | RETRY_IF_BUDGET
            503             | PATCH  | 5xx                             | 2        | 1     | true       | false      | NO
            503             | GET    | connect_failure,reset           | 2        | 1     | true       | false      | NO
            503             | GET    | gateway_error                   | 2        | 1     | false      | false      | NO
            timeout         | GET    | gateway_error                   | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            timeout         | HEAD   | 5xx                             | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            timeout         | GET    | connect_failure,reset           | 2        | 1     | true       | false      | NO
            timeout         | POST   | 5xx                             | 2        | 1     | true       | false      | NO
            200             | GET    | 5xx,gateway_error,reset         | 2        | 1     | true       | false      | NO
            grpc-14         | POST   | unavailable                     | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            grpc-14         | POST   | gateway_error,5xx               | 2        | 1     | true       | true       | NO
            grpc-14         | POST   | unavailable                     | 2        | 2     | true       | false      | NO
            grpc-14         | POST   | unavailable                     | 2        | 1     | false      | false      | NO
            grpc-4          | POST   | deadline_exceeded               | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            grpc-4          | POST   | unavailable                     | 2        | 1     | true       | false      | NO
            grpc-1          | POST   | cancelled                       | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            grpc-8          | POST   | resource_exhausted              | 2        | 1     | true       | false      | RETRY_IF_BUDGET
            grpc-13         | POST   | unavailable,cancelled,5xx       | 2        | 1     | true       | true       | NO
            grpc-0          | POST   | unavailable                     | 2        | 1     | true       | false      | NO
            """)
    void decides(String outcome, String method, String retryOn, int attempts, int tries, boolean replayable,
                 boolean anyMethod, Decision expected) {
        RetrySpec spec = RetrySpec.of(attempts, retryOn(retryOn)).withRetryNonIdempotent(anyMethod);
        RetryState state = new RetryState(spec, HttpMethod.valueOf(method));
        for (int i = 0; i < tries; i++) {
            state.started();
        }
        assertThat(state.decide(outcome(outcome), replayable)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1, false", "2, true", "11, true"})
    void onlyARouteWithMoreThanOneAttemptRetries(int attempts, boolean retries) {
        assertThat(new RetryState(RetrySpec.of(attempts, RetryOn.RESET), HttpMethod.GET).retries()).isEqualTo(retries);
    }

    private static RetryOn[] retryOn(String names) {
        Set<RetryOn> set = EnumSet.noneOf(RetryOn.class);
        Arrays.stream(names.split(",")).map(String::trim).forEach(n -> set.add(switch (n) {
            case "connect_failure" -> RetryOn.CONNECT_FAILURE;
            case "reset" -> RetryOn.RESET;
            case "gateway_error" -> RetryOn.GATEWAY_ERROR;
            case "5xx" -> RetryOn.SERVER_ERROR_5XX;
            case "cancelled" -> RetryOn.GRPC_CANCELLED;
            case "deadline_exceeded" -> RetryOn.GRPC_DEADLINE_EXCEEDED;
            case "resource_exhausted" -> RetryOn.GRPC_RESOURCE_EXHAUSTED;
            case "unavailable" -> RetryOn.GRPC_UNAVAILABLE;
            default -> throw new IllegalArgumentException(n);
        }));
        return set.toArray(new RetryOn[0]);
    }

    private static TryOutcome outcome(String o) {
        return switch (o) {
            case "connect_failure" -> TryOutcome.CONNECT_FAILURE;
            case "reset" -> TryOutcome.RESET;
            case "timeout" -> TryOutcome.TIMEOUT;
            default -> o.startsWith("grpc-") ? TryOutcome.ofGrpc(Integer.parseInt(o.substring(5)))
                    : TryOutcome.ofStatus(Integer.parseInt(o));
        };
    }
}
