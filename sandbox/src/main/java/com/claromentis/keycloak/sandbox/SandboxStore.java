package com.claromentis.keycloak.sandbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * In-memory directory. One lock guards everything: the data set is small, and a single lock makes
 * cross-entity rules (unique usernames, member cleanup on delete) trivially consistent.
 */
final class SandboxStore {

    /** A page of results plus the size of the whole filtered set. */
    record Slice<T>(List<T> items, int total) {
    }

    private static final String[] FIRST_NAMES = {"Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi",
        "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter"};
    private static final String[] SURNAMES = {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
        "Davies", "Patel", "Wright", "Walker", "Evans", "Thomas", "Roberts", "Khan", "Lewis"};
    private static final String[] DEPARTMENTS = {"IT", "HR", "Finance", "Sales", "Marketing", "Operations", "Legal"};
    private static final String[] OFFICES = {"London", "Manchester", "Leeds", "Bristol", "Remote"};
    private static final String[] TITLES = {"Engineer", "Analyst", "Manager", "Consultant", "Administrator"};

    private final Object lock = new Object();
    private final Clock clock;
    private final TreeMap<Long, SandboxUser> users = new TreeMap<>();
    private final Map<String, Long> idsByUsername = new HashMap<>();
    private final GroupTable groups = new GroupTable("group");
    private final GroupTable roles = new GroupTable("role");
    private long nextUserId = 1;

    SandboxStore(Clock clock) {
        this.clock = clock;
    }

    GroupTable table(String kind) {
        return "groups".equals(kind) ? groups : roles;
    }

    GroupTable groups() {
        return groups;
    }

    GroupTable roles() {
        return roles;
    }

    SandboxUser createUser(SandboxUser template) {
        synchronized (lock) {
            String key = key(template.username());
            if (idsByUsername.containsKey(key)) {
                throw ApiError.conflict("A user with username '" + template.username() + "' already exists");
            }
            if (template.managerId() != null) {
                requireUser(template.managerId());
            }
            long id = nextUserId++;
            SandboxUser stored = template.toBuilder().id(id).modified(clock.instant()).build();
            users.put(id, stored);
            idsByUsername.put(key, id);
            return stored;
        }
    }

    SandboxUser updateUser(long id, UnaryOperator<SandboxUser> change) {
        synchronized (lock) {
            SandboxUser current = requireUser(id);
            SandboxUser changed = change.apply(current);
            String oldKey = key(current.username());
            String newKey = key(changed.username());
            if (!oldKey.equals(newKey)) {
                if (idsByUsername.containsKey(newKey)) {
                    throw ApiError.conflict("A user with username '" + changed.username() + "' already exists");
                }
                idsByUsername.remove(oldKey);
                idsByUsername.put(newKey, id);
            }
            if (changed.managerId() != null) {
                if (changed.managerId() == id) {
                    throw ApiError.badRequest("A user cannot be their own manager");
                }
                requireUser(changed.managerId());
            }
            SandboxUser stored = changed.toBuilder().id(id).modified(clock.instant()).build();
            users.put(id, stored);
            return stored;
        }
    }

    boolean deleteUser(long id) {
        synchronized (lock) {
            SandboxUser removed = users.remove(id);
            if (removed == null) {
                return false;
            }
            idsByUsername.remove(key(removed.username()));
            groups.removeMemberEverywhere(id);
            roles.removeMemberEverywhere(id);
            // Subordinates lose their manager; that is a change to them, so their timestamp moves.
            for (SandboxUser u : new ArrayList<>(users.values())) {
                if (Long.valueOf(id).equals(u.managerId())) {
                    users.put(u.id(), u.toBuilder().managerId(null).modified(clock.instant()).build());
                }
            }
            return true;
        }
    }

    Optional<SandboxUser> user(long id) {
        synchronized (lock) {
            return Optional.ofNullable(users.get(id));
        }
    }

    Optional<SandboxUser> userByUsername(String username) {
        synchronized (lock) {
            Long id = idsByUsername.get(key(username));
            return id == null ? Optional.empty() : Optional.ofNullable(users.get(id));
        }
    }

    SandboxUser requireUser(long id) {
        synchronized (lock) {
            SandboxUser user = users.get(id);
            if (user == null) {
                throw ApiError.notFound("User " + id + " not found");
            }
            return user;
        }
    }

    Slice<SandboxUser> queryUsers(Predicate<SandboxUser> filter, int offset, int limit) {
        synchronized (lock) {
            return slice(users.values().stream().filter(filter).toList(), offset, limit);
        }
    }

    /** Resolves ids to users in id order, skipping ids that no longer exist. */
    Slice<SandboxUser> usersById(Collection<Long> ids, int offset, int limit) {
        synchronized (lock) {
            List<SandboxUser> found = ids.stream().sorted().map(users::get).filter(u -> u != null).toList();
            return slice(found, offset, limit);
        }
    }

    List<SandboxUser> allUsers() {
        synchronized (lock) {
            return List.copyOf(users.values());
        }
    }

    int userCount() {
        synchronized (lock) {
            return users.size();
        }
    }

    void clear() {
        synchronized (lock) {
            users.clear();
            idsByUsername.clear();
            groups.clear();
            roles.clear();
            nextUserId = 1;
        }
    }

    /** Bulk insert for load tests: one lock acquisition, usernames {@code prefix.N} skipping taken ones. */
    List<Long> generateUsers(int count, String prefix) {
        synchronized (lock) {
            List<Long> created = new ArrayList<>(count);
            long n = nextUserId;
            while (created.size() < count) {
                String username = prefix + "." + n;
                n++;
                if (idsByUsername.containsKey(key(username))) {
                    continue;
                }
                int i = (int) (n % 1_000_003);
                SandboxUser user = SandboxUser.builder(username)
                        .firstname(FIRST_NAMES[i % FIRST_NAMES.length])
                        .surname(SURNAMES[(i / 7) % SURNAMES.length])
                        .email(username + "@example.org")
                        .phone("+44 20 7946 " + String.format(Locale.ROOT, "%04d", i % 10_000))
                        .jobTitle(TITLES[i % TITLES.length])
                        .office(OFFICES[i % OFFICES.length])
                        .department(DEPARTMENTS[i % DEPARTMENTS.length])
                        .externalId("gen-" + username)
                        .build();
                created.add(createUser(user).id());
            }
            return created;
        }
    }

    static <T> Slice<T> slice(List<T> all, int offset, int limit) {
        int from = Math.min(offset, all.size());
        int to = Math.min(all.size(), from + limit);
        return new Slice<>(List.copyOf(all.subList(from, to)), all.size());
    }

    static String key(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }

    /** Groups and roles behave identically, so one table type serves both. */
    final class GroupTable {
        private final String kind;
        private final TreeMap<Long, SandboxGroup> byId = new TreeMap<>();
        private long nextId = 1;

        private GroupTable(String kind) {
            this.kind = kind;
        }

        String kind() {
            return kind;
        }

        SandboxGroup create(String name) {
            synchronized (lock) {
                requireUniqueName(name, 0);
                long id = nextId++;
                SandboxGroup group = new SandboxGroup(id, name.trim(), Set.of());
                byId.put(id, group);
                return group;
            }
        }

        SandboxGroup rename(long id, String name) {
            synchronized (lock) {
                SandboxGroup current = require(id);
                requireUniqueName(name, id);
                SandboxGroup renamed = new SandboxGroup(id, name.trim(), current.members());
                byId.put(id, renamed);
                return renamed;
            }
        }

        boolean delete(long id) {
            synchronized (lock) {
                return byId.remove(id) != null;
            }
        }

        Optional<SandboxGroup> get(long id) {
            synchronized (lock) {
                return Optional.ofNullable(byId.get(id));
            }
        }

        Optional<SandboxGroup> byName(String name) {
            synchronized (lock) {
                return byId.values().stream().filter(g -> g.name().equalsIgnoreCase(name.trim())).findFirst();
            }
        }

        SandboxGroup require(long id) {
            synchronized (lock) {
                SandboxGroup group = byId.get(id);
                if (group == null) {
                    throw ApiError.notFound(capitalised() + " " + id + " not found");
                }
                return group;
            }
        }

        Slice<SandboxGroup> list(int offset, int limit) {
            synchronized (lock) {
                return slice(new ArrayList<>(byId.values()), offset, limit);
            }
        }

        Slice<SandboxGroup> containing(long userId, int offset, int limit) {
            synchronized (lock) {
                requireUser(userId);
                return slice(byId.values().stream().filter(g -> g.members().contains(userId)).toList(),
                        offset, limit);
            }
        }

        void setMembers(long id, Collection<Long> userIds) {
            synchronized (lock) {
                SandboxGroup current = require(id);
                for (Long userId : userIds) {
                    if (!users.containsKey(userId)) {
                        throw ApiError.badRequest("Unknown user id " + userId);
                    }
                }
                byId.put(id, new SandboxGroup(id, current.name(), new LinkedHashSet<>(userIds)));
            }
        }

        void addMember(long id, long userId) {
            synchronized (lock) {
                SandboxGroup current = require(id);
                requireUser(userId);
                Set<Long> members = new LinkedHashSet<>(current.members());
                members.add(userId);
                byId.put(id, new SandboxGroup(id, current.name(), members));
            }
        }

        int count() {
            synchronized (lock) {
                return byId.size();
            }
        }

        List<SandboxGroup> all() {
            synchronized (lock) {
                return List.copyOf(byId.values());
            }
        }

        private void removeMemberEverywhere(long userId) {
            for (SandboxGroup g : new ArrayList<>(byId.values())) {
                if (g.members().contains(userId)) {
                    Set<Long> members = new LinkedHashSet<>(g.members());
                    members.remove(userId);
                    byId.put(g.id(), new SandboxGroup(g.id(), g.name(), members));
                }
            }
        }

        private void clear() {
            byId.clear();
            nextId = 1;
        }

        private void requireUniqueName(String name, long exceptId) {
            boolean taken = byId.values().stream()
                    .anyMatch(g -> g.id() != exceptId && g.name().equalsIgnoreCase(name.trim()));
            if (taken) {
                throw ApiError.conflict("A " + kind + " named '" + name.trim() + "' already exists");
            }
        }

        private String capitalised() {
            return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
        }
    }
}
