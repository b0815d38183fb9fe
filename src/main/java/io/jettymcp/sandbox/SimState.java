package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** The simulator's in-memory world. Not thread-safe: every access holds the {@link Sim} lock. */
final class SimState {

    final Random rng;
    final List<CollectionRec> collections = new ArrayList<>();
    final List<TaskRec> tasks = new ArrayList<>();
    /** Trajectories by id, in creation order. */
    final java.util.Map<String, Trajectory> trajectories = new java.util.LinkedHashMap<>();
    /** Ids handed out by Engine.newId() whose trajectory is not created yet. */
    final java.util.Set<String> reservedIds = new java.util.HashSet<>();
    /** Simulated storage by collection-prefixed path. */
    final java.util.SortedMap<String, StoredFile> files = new java.util.TreeMap<>();
    /** OpenAI-style file ids (POST /api/v1/files) to storage paths. */
    final java.util.Map<String, String> fileIds = new java.util.LinkedHashMap<>();
    long nextSeq;
    final List<RoutineRec> routines = new ArrayList<>();
    int nextRoutineId = 1;
    private int nextCollectionId = 1;
    private int nextTaskId = 1;

    SimState(long seed) {
        this.rng = new Random(seed);
    }

    CollectionRec collection(String name) {
        if (name == null) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (CollectionRec c : collections) {
            if (c.name.toLowerCase(Locale.ROOT).equals(n)) {
                return c;
            }
        }
        return null;
    }

    CollectionRec collectionById(int id) {
        for (CollectionRec c : collections) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }

    CollectionRec addCollection(String name, String description, String owner, Instant now) {
        CollectionRec c = new CollectionRec(nextCollectionId++, name, description, owner, now);
        collections.add(c);
        return c;
    }

    TaskRec task(CollectionRec c, String name) {
        if (c == null || name == null) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (TaskRec t : tasks) {
            if (t.collectionId == c.id && t.name.toLowerCase(Locale.ROOT).equals(n)) {
                return t;
            }
        }
        return null;
    }

    List<TaskRec> tasks(CollectionRec c) {
        return tasks.stream().filter(t -> t.collectionId == c.id).toList();
    }

    TaskRec addTask(CollectionRec c, String name, ObjectNode workflow, Instant now) {
        TaskRec t = new TaskRec(nextTaskId++, c.id, name, workflow, now);
        tasks.add(t);
        return t;
    }

    /** 8 lowercase hex chars, deterministic under the seed. */
    String hex8() {
        return String.format(Locale.ROOT, "%08x", rng.nextInt());
    }
}
