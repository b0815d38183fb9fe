package io.jettymcp.catalog.routines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.TestContexts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CadenceTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Cadence CADENCE = Cadence.of(TestContexts.spec("create-routine"));

    private static JsonNode c(String json) {
        try {
            return M.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String error(String json) {
        try {
            CADENCE.check(c(json));
        } catch (ToolError e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted " + json);
    }

    @Test
    void validCadencesPass() {
        for (String ok : new String[]{"{\"type\":\"manual\"}", "{\"type\":\"hourly\"}", "{\"type\":\"hourly\",\"minute_utc\":59}",
                "{\"type\":\"daily\",\"hour_utc\":0}", "{\"type\":\"weekdays\",\"hour_utc\":23,\"minute_utc\":0}",
                "{\"type\":\"weekly\",\"hour_utc\":9,\"day_of_week\":\"sun\"}", "{\"type\":\"manual\",\"hour_utc\":null}"}) {
            assertThatCode(() -> CADENCE.check(c(ok))).as(ok).doesNotThrowAnyException();
        }
    }

    @Test
    void manualTakesNoOtherField() {
        assertThat(error("{\"type\":\"manual\",\"minute_utc\":5}")).contains("'minute_utc'").contains("manual")
                .contains("Nothing was sent");
    }

    @Test
    void hourlyTakesOnlyMinute() {
        assertThat(error("{\"type\":\"hourly\",\"hour_utc\":5}")).contains("'hour_utc'").contains("only minute_utc");
        assertThat(error("{\"type\":\"hourly\",\"day_of_week\":\"mon\"}")).contains("'day_of_week'");
    }

    @Test
    void dailyWeekdaysAndWeeklyNeedHour() {
        assertThat(error("{\"type\":\"daily\"}")).contains("needs hour_utc");
        assertThat(error("{\"type\":\"weekdays\",\"minute_utc\":3}")).contains("needs hour_utc");
        assertThat(error("{\"type\":\"weekly\",\"day_of_week\":\"mon\"}")).contains("needs hour_utc");
    }

    @Test
    void weeklyNeedsAValidDay() {
        assertThat(error("{\"type\":\"weekly\",\"hour_utc\":9}")).contains("needs day_of_week").contains("mon, tue");
        assertThat(error("{\"type\":\"weekly\",\"hour_utc\":9,\"day_of_week\":\"Monday\"}")).contains("day_of_week must be one of");
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":9,\"day_of_week\":\"mon\"}")).contains("only used by type weekly");
    }

    @Test
    void rangesAndTypesAreChecked() {
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":24}")).contains("hour_utc must be a whole number from 0 to 23");
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":-1}")).contains("hour_utc");
        assertThat(error("{\"type\":\"hourly\",\"minute_utc\":60}")).contains("0 to 59");
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":\"9\"}")).contains("whole number");
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":9.5}")).contains("whole number");
    }

    @Test
    void utcOnlyAndUnknownTypes() {
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":9,\"timezone\":\"Europe/Paris\"}")).contains("UTC only");
        assertThat(error("{\"type\":\"daily\",\"hour_utc\":9,\"every\":2}")).contains("'every' is not a cadence field");
        assertThat(error("{\"type\":\"monthly\"}")).contains("cadence.type").contains("weekly");
        assertThat(error("{}")).contains("missing");
        assertThatThrownBy(() -> CADENCE.check(c("\"daily\""))).isInstanceOf(ToolError.class);
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        assertThat(error("{\"type\":\"weekly\",\"minute_utc\":70}")).contains("needs hour_utc").contains("needs day_of_week")
                .contains("0 to 59");
    }
}
