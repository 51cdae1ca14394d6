package org.asynclm.bfcl.multiturn;

import static org.asynclm.bfcl.multiturn.Py.dict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BFCL's TwitterAPI (posting_api.py). As in Python, a tweet posted without tags or mentions holds the method's one
 * default list, so a later {@code mention} on such a tweet extends that shared list.
 */
public final class TwitterApi extends Backend {
    private Object username;
    private Object password;
    private Object authenticated;
    private Map<Object, Object> tweets;
    private Map<Object, Object> comments;
    private Map<Object, Object> retweets;
    private List<Object> followingList;
    private Object tweetCounter;
    private final List<Object> defaultTags = new ArrayList<>();
    private final List<Object> defaultMentions = new ArrayList<>();

    public TwitterApi() {
        method("authenticate_twitter", a -> authenticate(a.get("username"), a.get("password")), required("username"),
                required("password"));
        method("posting_get_login_status", a -> dict("login_status", Py.truthy(authenticated)));
        method("post_tweet", a -> post(a.get("content"), a.get("tags"), a.get("mentions")), required("content"),
                optional("tags", SHARED_DEFAULT), optional("mentions", SHARED_DEFAULT));
        method("retweet", a -> retweet(a.get("tweet_id")), required("tweet_id"));
        method("comment", a -> comment(a.get("tweet_id"), a.get("comment_content")), required("tweet_id"),
                required("comment_content"));
        method("mention", a -> mention(a.get("tweet_id"), a.list("mentioned_usernames")), required("tweet_id"),
                required("mentioned_usernames"));
        method("follow_user", a -> follow(a.get("username_to_follow")), required("username_to_follow"));
        method("list_all_following", a -> Py.truthy(authenticated) ? dict("following_list", followingList)
                : dict("error", "User not authenticated. Please authenticate before listing following."));
        method("unfollow_user", a -> unfollow(a.get("username_to_unfollow")), required("username_to_unfollow"));
        method("get_tweet", a -> tweets.containsKey(a.get("tweet_id")) ? tweets.get(a.get("tweet_id"))
                : notFound(a.get("tweet_id")), required("tweet_id"));
        method("get_user_tweets", a -> byUser(a.get("username")), required("username"));
        method("search_tweets", a -> search(a.str("keyword")), required("keyword"));
        method("get_tweet_comments", a -> !tweets.containsKey(a.get("tweet_id")) ? notFound(a.get("tweet_id"))
                : comments.getOrDefault(a.get("tweet_id"), new ArrayList<>()), required("tweet_id"));
        method("get_user_stats", a -> stats(a.get("username")), required("username"));
    }

    /** Marks the two list defaults that Python shares between calls. */
    private static final Object SHARED_DEFAULT = new Object() {
    };

    @Override
    public BackendClass kind() {
        return BackendClass.TWITTER_API;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void load(Map<Object, Object> scenario, boolean longContext) {
        username = scenario.getOrDefault("username", "john");
        password = scenario.getOrDefault("password", "john123");
        authenticated = scenario.getOrDefault("authenticated", false);
        tweets = new LinkedHashMap<>();
        ((Map<Object, Object>) scenario.getOrDefault("tweets", new LinkedHashMap<>()))
                .forEach((k, v) -> tweets.put(Long.parseLong(Py.str(k).strip()), v));
        comments = (Map<Object, Object>) scenario.getOrDefault("comments", new LinkedHashMap<>());
        retweets = (Map<Object, Object>) scenario.getOrDefault("retweets", new LinkedHashMap<>());
        followingList = (List<Object>) scenario.getOrDefault("following_list", Py.list("alice", "bob"));
        tweetCounter = scenario.getOrDefault("tweet_counter", 0L);
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("username", username);
        s.put("password", password);
        s.put("authenticated", authenticated);
        s.put("tweets", tweets);
        s.put("comments", comments);
        s.put("retweets", retweets);
        s.put("following_list", followingList);
        s.put("tweet_counter", tweetCounter);
        return s;
    }

    private static Map<Object, Object> notFound(Object id) {
        return dict("error", "Tweet with ID " + Py.str(id) + " not found.");
    }

    private Object authenticate(Object user, Object pass) {
        if (Py.eq(user, username) && Py.eq(pass, password)) {
            authenticated = true;
            return dict("authentication_status", true);
        }
        return dict("authentication_status", false);
    }

    private Object post(Object content, Object tags, Object mentions) throws PyException {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please authenticate before posting.");
        }
        Map<Object, Object> tweet = dict("id", tweetCounter, "username", username, "content", content,
                "tags", tags == SHARED_DEFAULT ? defaultTags : tags,
                "mentions", mentions == SHARED_DEFAULT ? defaultMentions : mentions);
        tweets.put(tweetCounter, tweet);
        tweetCounter = PyMath.add(tweetCounter, 1L);
        return tweet;
    }

    @SuppressWarnings("unchecked")
    private Object retweet(Object id) {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please authenticate before retweeting.");
        }
        if (!tweets.containsKey(id)) {
            return notFound(id);
        }
        List<Object> mine = (List<Object>) retweets.computeIfAbsent(username, k -> new ArrayList<>());
        if (Py.contains(mine, id)) {
            return dict("retweet_status", "Already retweeted");
        }
        mine.add(id);
        return dict("retweet_status", "Successfully retweeted");
    }

    @SuppressWarnings("unchecked")
    private Object comment(Object id, Object content) {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please authenticate before commenting.");
        }
        if (!tweets.containsKey(id)) {
            return notFound(id);
        }
        ((List<Object>) comments.computeIfAbsent(id, k -> new ArrayList<>()))
                .add(dict("username", username, "content", content));
        return dict("comment_status", "Comment added successfully");
    }

    @SuppressWarnings("unchecked")
    private Object mention(Object id, List<Object> names) {
        if (!tweets.containsKey(id)) {
            return notFound(id);
        }
        Map<Object, Object> tweet = (Map<Object, Object>) tweets.get(id);
        ((List<Object>) tweet.get("mentions")).addAll(new ArrayList<>(names));
        return dict("mention_status", "Users mentioned successfully");
    }

    private Object follow(Object name) {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please authenticate before following.");
        }
        if (Py.contains(followingList, name)) {
            return dict("follow_status", false);
        }
        followingList.add(name);
        return dict("follow_status", true);
    }

    private Object unfollow(Object name) {
        if (!Py.truthy(authenticated)) {
            return dict("error", "User not authenticated. Please authenticate before unfollowing.");
        }
        for (int i = 0; i < followingList.size(); i++) {
            if (Py.eq(followingList.get(i), name)) {
                followingList.remove(i);
                return dict("unfollow_status", true);
            }
        }
        return dict("unfollow_status", false);
    }

    @SuppressWarnings("unchecked")
    private List<Object> byUser(Object name) {
        List<Object> out = new ArrayList<>();
        for (Object t : tweets.values()) {
            if (Py.eq(((Map<Object, Object>) t).get("username"), name)) {
                out.add(t);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Object search(String keyword) {
        String k = keyword.toLowerCase(Locale.ROOT);
        List<Object> out = new ArrayList<>();
        for (Object t : tweets.values()) {
            Map<Object, Object> tweet = (Map<Object, Object>) t;
            boolean inTags = ((List<Object>) tweet.get("tags")).stream()
                    .anyMatch(tag -> Py.str(tag).toLowerCase(Locale.ROOT).equals(k));
            if (Py.str(tweet.get("content")).toLowerCase(Locale.ROOT).contains(k) || inTags) {
                out.add(tweet);
            }
        }
        return out;
    }

    private Object stats(Object name) {
        long tweetCount = byUser(name).size();
        long following = Py.eq(name, username) ? followingList.size() : 0;
        Object r = retweets.get(name);
        long retweetCount = r instanceof List<?> l ? l.size() : 0;
        return dict("tweet_count", tweetCount, "following_count", following, "retweet_count", retweetCount);
    }
}
