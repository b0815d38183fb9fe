package io.jettymcp.api;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutesTest {

    @Test
    void pathsEncodeEverySegment() {
        assertThat(Routes.TRAJECTORY_GET.path("demo", "a b", "x/y")).isEqualTo("/api/v1/db/trajectory/demo/a%20b/x%2Fy");
        assertThat(Routes.FILE_GET.path("demo/t/0000/a b.txt")).isEqualTo("/api/v1/file/demo/t/0000/a%20b.txt");
        assertThat(Routes.TASKS_LIST.path("demo")).isEqualTo("/api/v1/tasks/demo/");
        assertThatThrownBy(() -> Routes.TASKS_GET.path("demo")).isInstanceOf(ArrayIndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Routes.WHOAMI.path("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestsMatchTheirMostLiteralRoute() {
        assertThat(Routes.match("GET", "/api/v1/tasks/search?q=x")).contains(Routes.TASKS_SEARCH);
        assertThat(Routes.match("GET", "/api/v1/tasks/demo/echo")).contains(Routes.TASKS_GET);
        assertThat(Routes.match("GET", "/api/v1/tasks/demo/")).contains(Routes.TASKS_LIST);
        assertThat(Routes.match("POST", "/api/v1/tasks/demo")).contains(Routes.TASKS_CREATE);
        assertThat(Routes.match("GET", "/api/v1/file/demo/t/0000/a.txt")).contains(Routes.FILE_GET);
        assertThat(Routes.match("GET", "/api/v1/routines/demo/t/daily/runs")).contains(Routes.ROUTINE_RUNS);
        assertThat(Routes.match("GET", "/api/v1/trajectory/demo/t/abc")).contains(Routes.TRAJECTORY_DETAIL);
        assertThat(Routes.match("DELETE", "/api/v1/nothing")).isEmpty();
    }

    @Test
    void idsAndMethodPathPairsAreUnique() {
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (Routes.Route r : Routes.all()) {
            assertThat(ids.add(r.id())).as(r.id()).isTrue();
            assertThat(keys.add(r.method() + " " + r.template())).as(r.template()).isTrue();
            assertThat(r.writes() == (r.check() != null)).as(r.id() + ": writes name what to check").isTrue();
        }
    }
}
