#!/usr/bin/env python3
"""Golden values for asynclm's Java port of BFCL's multi-turn backends, made by BFCL's own Python code.

BFCL's backends (Apache-2.0) live in the gorilla repository. Fetch a copy and point this script at it:

    git clone https://github.com/ShishirPatil/gorilla /tmp/gorilla   # measured at 6ea57973c7a6
    python3 tools/bfcl_backend_golden.py --gorilla /tmp/gorilla

It copies the backend sources and BFCL's execute_multi_turn_func_call into a scratch package (no other BFCL
dependency is needed; mpmath is), then writes:

* runtime/src/main/resources/org/asynclm/bfcl/multiturn/backend-data.json: the data tables the Java port reads
  (long_context.py's constants, TradingBot's default state, TravelAPI's route costs in dict order).
* testdata/bfcl/multi_turn_golden/<category>.jsonl: for every entry of the four multi-turn categories, the
  ground truth executed turn by turn on fresh instances: each call string with its result string, and after each
  turn a digest of every instance's public state (see canonical() below; the Java test computes the same).
* testdata/bfcl/multi_turn_golden/probes.jsonl: hand-written calls that reach every public method of every class,
  error branches included, in the same form.
* testdata/bfcl/multi_turn_golden/checker_vectors.jsonl: for every multi_turn_base entry, its ground truth written
  as a model's result (one step per turn, positional arguments named, as a model must write them), and four
  mutations of it (a turn dropped, a wrong argument, the calls of two turns swapped, an extra state-changing
  call), each with the verdict of BFCL's own multi_turn_checker.

Results longer than 2,000 characters (long_context padding) are stored as their SHA-256.
The Java side: runtime/src/test/java/org/asynclm/bfcl/multiturn/BackendGoldenTest.java.
"""
import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BFCL = os.path.join(ROOT, "testdata", "bfcl")
OUT_GOLDEN = os.path.join(BFCL, "multi_turn_golden")
OUT_DATA = os.path.join(ROOT, "runtime", "src", "main", "resources", "org", "asynclm", "bfcl", "multiturn",
                        "backend-data.json")
CATEGORIES = ["multi_turn_base", "multi_turn_long_context", "multi_turn_miss_func", "multi_turn_miss_param"]
LONG_RESULT = 2000

BACKEND_FILES = ["gorilla_file_system", "long_context", "math_api", "message_api", "posting_api", "ticket_api",
                 "trading_bot", "travel_booking", "vehicle_control"]


def scratch_package(gorilla):
    """bfcl_eval with only the backends, multi_turn_utils and executable_backend_config, importable anywhere."""
    src = os.path.join(gorilla, "berkeley-function-call-leaderboard", "bfcl_eval")
    tmp = tempfile.mkdtemp(prefix="bfcl-backends-")
    for pkg in ["bfcl_eval", "bfcl_eval/constants", "bfcl_eval/eval_checker", "bfcl_eval/eval_checker/multi_turn_eval",
                "bfcl_eval/eval_checker/multi_turn_eval/func_source_code"]:
        os.makedirs(os.path.join(tmp, pkg), exist_ok=True)
        open(os.path.join(tmp, pkg, "__init__.py"), "w").close()
    for name in BACKEND_FILES:
        rel = f"eval_checker/multi_turn_eval/func_source_code/{name}.py"
        shutil.copy(os.path.join(src, rel), os.path.join(tmp, "bfcl_eval", rel))
    for rel in ["eval_checker/multi_turn_eval/multi_turn_utils.py", "eval_checker/multi_turn_eval/multi_turn_checker.py",
                "constants/executable_backend_config.py"]:
        shutil.copy(os.path.join(src, rel), os.path.join(tmp, "bfcl_eval", rel))
    sys.path.insert(0, tmp)
    return tmp, src


def canonical(v):
    """A value tree with string keys, sets as sorted lists and File/Directory as tagged dicts."""
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.gorilla_file_system import Directory, File
    if isinstance(v, Directory):
        return {"__directory__": v.name, "contents": canonical(v.contents)}
    if isinstance(v, File):
        return {"__file__": v.name, "content": v.content}
    if isinstance(v, dict):
        return {py_key(k): canonical(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [canonical(x) for x in v]
    if isinstance(v, set):
        return sorted(canonical(x) for x in v)
    return v


def py_key(k):
    """A dict key as json.dumps writes it, with its type kept: an int key 5 is 'int:5', a str key is itself."""
    if isinstance(k, str):
        return k
    if isinstance(k, bool):
        return "bool:" + str(k)
    if isinstance(k, int):
        return "int:" + str(k)
    if isinstance(k, float):
        return "float:" + repr(k)
    return "other:" + repr(k)


def state_digest(instance):
    public = {k: v for k, v in vars(instance).items() if not k.startswith("_")}
    text = json.dumps(canonical(public), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stored(result):
    if len(result) > LONG_RESULT:
        return {"sha256": hashlib.sha256(result.encode()).hexdigest()}
    return result


def replay(exec_fn, entry_id, config, classes, long_context, turns, side):
    """Runs each turn's calls as BFCL does; instances persist across turns (BFCL keys them by name)."""
    # post_tweet's list defaults are shared by every TwitterAPI in a Python process, so a mention on a tweet
    # posted without mentions would leak into later entries; each replay starts from fresh defaults, as each
    # entry does in the Java port (which shares them within one instance)
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.posting_api import TwitterAPI
    TwitterAPI.post_tweet.__defaults__ = ([], [])
    out = []
    for turn in turns:
        results, instances = exec_fn(func_call_list=turn, initial_config=config, involved_classes=classes,
                                     model_name=f"golden_{side}", test_entry_id=entry_id, long_context=long_context,
                                     is_evaL_run=True)
        out.append({"calls": turn, "results": [stored(r) for r in results],
                    "state": {name: state_digest(inst) for name, inst in instances.items()}})
    return out


def probes():
    """Calls that reach every public method, and their error branches, on small hand-made states."""
    fs = {"root": {"home": {"type": "directory", "contents": {
        "notes.txt": {"type": "file", "content": "beta line\nalpha line\ngamma\n\nalpha again"},
        "other.txt": {"type": "file", "content": "beta line\nALPHA line\ngamma"},
        ".hidden": {"type": "file", "content": "secret"},
        "docs": {"type": "directory", "contents": {
            "a.md": {"type": "file", "content": "# A\ntext"},
            "deep": {"type": "directory", "contents": {"b.md": {"type": "file", "content": "b"}}}}},
        "empty": {"type": "directory", "contents": {}}}}}}
    twitter = {"username": "ana", "password": "pw1", "authenticated": False, "tweet_counter": 2,
               "tweets": {"0": {"id": 0, "username": "ana", "content": "Hello world", "tags": ["#hi"], "mentions": []},
                          "1": {"id": 1, "username": "bo", "content": "Other post", "tags": ["#Other"],
                                "mentions": ["ana"]}},
               "comments": {}, "retweets": {}, "following_list": ["bo"]}
    message = {"user_count": 4, "user_map": {"Alice": "USR001", "Bob": "USR002", "Cara": "USR003", "Dan": "USR004"},
               "inbox": [{"USR002": "Hi Bob"}, {"USR003": "Report due"}, {"USR002": "Second to Bob"}],
               "message_count": 3, "current_user": None}
    ticket = {"ticket_queue": [{"id": 1, "title": "Printer", "description": "jam", "status": "Open", "priority": 2,
                                "created_by": "kim"}], "ticket_counter": 2, "current_user": None}
    trading = {"authenticated": False, "market_status": "Open", "order_counter": 1000,
               "orders": {"900": {"id": 900, "order_type": "Buy", "symbol": "AAPL", "price": 100.0, "amount": 3,
                                  "status": "Completed"},
                          "901": {"id": 901, "order_type": "Sell", "symbol": "TSLA", "price": 600.5, "amount": 1,
                                  "status": "Open"}},
               "account_info": {"account_id": 7, "balance": 2000.0, "binding_card": 1111222233334444},
               "watch_list": ["NVDA", "AAPL"],
               "transaction_history": [{"type": "deposit", "amount": 50, "timestamp": "2024-08-30 09:00:00"}]}
    travel = {"credit_card_list": {"card_1": {"card_number": "4111", "expiration_date": "01/30",
                                              "cardholder_name": "Ana Li", "card_verification_number": 123,
                                              "balance": 5000.0}},
              "booking_record": {"bk_1": {"card_id": "card_1", "travel_date": "2024-12-01", "travel_from": "SFO",
                                          "travel_to": "LAX", "travel_class": "economy", "travel_cost": 200.0,
                                          "transaction_id": "t1"}}}
    vehicle = {"fuelLevel": 10.0, "doorStatus": {"driver": "unlocked", "passenger": "locked", "rear_left": "locked",
                                                 "rear_right": "locked"}}
    P = []

    def probe(name, classes, config, turns, long_context=False):
        P.append({"id": "probe_" + name, "involved_classes": classes, "initial_config": config,
                  "long_context": long_context, "turns": turns})

    fs_turns = [
        ["pwd()", "ls()", "ls(a=True)", "cd(folder='nope')", "cd(folder='docs/deep')", "cd(folder='docs/')", "pwd()",
         "cd(folder='..')", "cd(folder='..')", "cd(folder='.')", "cd(folder='/')"],
        ["cat(file_name='notes.txt')", "cat(file_name='docs')", "cat(file_name='x?')", "cat(file_name='missing')",
         "wc(file_name='notes.txt')", "wc(file_name='notes.txt', mode='w')", "wc(file_name='notes.txt', mode='c')",
         "wc(file_name='notes.txt', mode='z')", "wc(file_name='docs')", "sort(file_name='notes.txt')",
         "sort(file_name='nope')", "grep(file_name='notes.txt', pattern='alpha')", "grep(file_name='x', pattern='a')",
         "tail(file_name='notes.txt', lines=2)", "tail(file_name='notes.txt')", "tail(file_name='notes.txt', lines=0)",
         "tail(file_name='nope')", "diff(file_name1='notes.txt', file_name2='other.txt')",
         "diff(file_name1='notes.txt', file_name2='nope')", "du()", "du(human_readable=True)"],
        ["find()", "find(path='docs')", "find(path='.', name='md')", "find(path='nope')", "find(path='/', name='b')",
         "mkdir(dir_name='new')", "mkdir(dir_name='new')", "mkdir(dir_name='a/b')", "touch(file_name='t.txt')",
         "touch(file_name='t.txt')", "touch(file_name='bad*')", "echo(content='hello')",
         "echo(content='written', file_name='t.txt')", "echo(content='x', file_name='nofile')",
         "echo(content='x', file_name='b|d')", "cat(file_name='t.txt')"],
        ["mv(source='t.txt', destination='new')", "mv(source='nope', destination='new')",
         "mv(source='notes.txt', destination='a/b')", "mv(source='other.txt', destination='renamed.txt')",
         "mv(source='renamed.txt', destination='notes.txt')", "cp(source='notes.txt', destination='copy.txt')",
         "cp(source='notes.txt', destination='new')", "cp(source='notes.txt', destination='new')",
         "cp(source='docs', destination='docs2')", "cp(source='nope', destination='x')",
         "cp(source='docs', destination='a/b')", "cp(source='docs', destination='copy.txt')",
         "mv(source='docs2', destination='new')", "rm(file_name='copy.txt')", "rm(file_name='nope')",
         "rmdir(dir_name='empty')", "rmdir(dir_name='new')", "rmdir(dir_name='notes.txt')", "rmdir(dir_name='nope')",
         "cd(folder='new')", "ls()", "cd(folder='docs2')", "pwd()", "sort('a.md')", "cd(folder='..')",
         "cd(folder='..')", "cd(folder='..')", "cd()", "rm(file_name='x', force=True)", "kill(pid=1)",
         "undefined_tool(x=1)", "GorillaFileSystem.ls()"]]
    probe("gorilla_file_system", ["GorillaFileSystem"], {"GorillaFileSystem": fs}, fs_turns)
    probe("gorilla_file_system_long", ["GorillaFileSystem"], {"GorillaFileSystem": fs},
          [["ls()", "cat(file_name='notes.txt')", "cd(folder='empty')", "ls()", "du()"]], long_context=True)
    probe("gorilla_file_system_default", ["GorillaFileSystem"], {}, [["pwd()", "ls()", "mkdir(dir_name='x')",
                                                                      "cd(folder='x')", "pwd()", "cd(folder='..')"]])

    probe("math_api", ["MathAPI"], {}, [[
        "logarithm(value=20, base=10, precision=2)", "logarithm(value=980.0, base=20, precision=10)",
        "logarithm(value=8, base=2, precision=4)", "logarithm(value=0.5, base=10, precision=30)",
        "logarithm(value=1, base=7, precision=5)", "logarithm(value=123456789, base=3, precision=20)",
        "mean(numbers=[1, 2, 4])", "mean(numbers=[227.16, 2.552, 227.11])", "mean(numbers=[])", "mean(numbers=['a'])",
        "standard_deviation(numbers=[100, 95, 85, 90, 88, 92])", "standard_deviation(numbers=[])",
        "si_unit_conversion(value=5, unit_in='km', unit_out='m')",
        "si_unit_conversion(value=2.5, unit_in='cm', unit_out='mm')",
        "si_unit_conversion(value=3, unit_in='m', unit_out='um')",
        "si_unit_conversion(value=1, unit_in='mile', unit_out='m')",
        "si_unit_conversion(value='x', unit_in='m', unit_out='m')",
        "imperial_si_conversion(value=10, unit_in='cm', unit_out='in')",
        "imperial_si_conversion(value=100, unit_in='celsius', unit_out='fahrenheit')",
        "imperial_si_conversion(value=212, unit_in='fahrenheit', unit_out='celsius')",
        "imperial_si_conversion(value=3, unit_in='kg', unit_out='kg')",
        "imperial_si_conversion(value=3, unit_in='kg', unit_out='stone')",
        "add(a=2, b=3)", "add(a=0.1, b=0.2)", "add(a=1, b='x')", "subtract(a=10, b=2.5)", "multiply(a=6, b=7)",
        "multiply(a='a', b=2)", "divide(a=7, b=2)", "divide(a=1, b=0)", "divide(a=1, b=3)", "power(base=2, exponent=10)",
        "power(base=2.0, exponent=0.5)", "power(base=2, exponent=-1)", "square_root(number=16, precision=5)",
        "square_root(number=2, precision=10)", "square_root(number=2.25, precision=4)",
        "square_root(number=-1, precision=3)", "absolute_value(number=-4.5)", "absolute_value(number=3)",
        "round_number(number=3.14159, decimal_places=2)", "round_number(number=2.5)", "round_number(number=7)",
        "round_number(number=2.675, decimal_places=2)", "percentage(part=1, whole=3)", "percentage(part=1, whole=0)",
        "min_value(numbers=[3, 1.5, 2])", "min_value(numbers=[])", "max_value(numbers=[3, 1.5, 7])",
        "max_value(numbers=[])", "sum_values(numbers=[1, 2, 3.5])", "sum_values(numbers=[])", "mean([1, 2])",
        "add(a=1)", "add(a=1, b=2, c=3)"]])

    probe("message_api", ["MessageAPI"], {"MessageAPI": message}, [
        ["list_users()", "get_user_id(user='Bob')", "get_user_id(user='Zed')", "send_message(receiver_id='USR002',"
         " message='x')", "message_get_login_status()", "view_messages_sent()", "search_messages(keyword='bob')",
         "get_message_stats()", "delete_message(receiver_id='USR002')"],
        ["message_login(user_id='USR999')", "message_login(user_id='USR001')", "message_get_login_status()",
         "send_message(receiver_id='USR002', message='Meeting at 3')", "send_message(receiver_id='USR404',"
         " message='x')", "send_message(receiver_id='USR003', message='Second')", "view_messages_sent()",
         "search_messages(keyword='BOB')", "search_messages(keyword='nothing')", "get_message_stats()",
         "delete_message(receiver_id='USR002')", "delete_message(receiver_id='USR404')", "add_contact(user_name='Eve')",
         "add_contact(user_name='Eve')", "get_user_id(user='Eve')"]])
    probe("message_api_default", ["MessageAPI"], {}, [["list_users()", "message_login(user_id='USR002')",
                                                       "send_message(receiver_id='USR003', message='hi')",
                                                       "view_messages_sent()"]])

    probe("twitter_api", ["TwitterAPI"], {"TwitterAPI": twitter}, [
        ["posting_get_login_status()", "post_tweet(content='x')", "retweet(tweet_id=1)",
         "comment(tweet_id=1, comment_content='c')", "follow_user(username_to_follow='cy')", "list_all_following()",
         "unfollow_user(username_to_unfollow='bo')", "authenticate_twitter(username='ana', password='wrong')",
         "get_tweet(tweet_id=1)", "get_tweet(tweet_id=9)", "get_user_tweets(username='ana')",
         "search_tweets(keyword='other')", "search_tweets(keyword='#hi')", "get_tweet_comments(tweet_id=9)",
         "get_user_stats(username='ana')", "mention(tweet_id=9, mentioned_usernames=['x'])"],
        ["authenticate_twitter(username='ana', password='pw1')", "posting_get_login_status()",
         "post_tweet(content='New one', tags=['#a'], mentions=['bo'])", "post_tweet(content='Plain')",
         "post_tweet(content='Plain two')", "mention(tweet_id=3, mentioned_usernames=['cy', 'dee'])",
         "get_tweet(tweet_id=4)", "retweet(tweet_id=1)", "retweet(tweet_id=1)", "retweet(tweet_id=42)",
         "comment(tweet_id=1, comment_content='Nice')", "comment(tweet_id=1, comment_content='Again')",
         "comment(tweet_id=42, comment_content='x')", "get_tweet_comments(tweet_id=1)",
         "get_tweet_comments(tweet_id=0)", "follow_user(username_to_follow='cy')",
         "follow_user(username_to_follow='cy')", "list_all_following()", "unfollow_user(username_to_unfollow='bo')",
         "unfollow_user(username_to_unfollow='zz')", "get_user_stats(username='ana')", "get_user_stats(username='bo')"]])

    probe("ticket_api", ["TicketAPI"], {"TicketAPI": ticket}, [
        ["create_ticket(title='x')", "ticket_get_login_status()", "get_user_tickets()", "ticket_login(username='',"
         " password='p')", "logout()"],
        ["ticket_login(username='kim', password='pw')", "ticket_get_login_status()",
         "create_ticket(title='Laptop', description='slow', priority=4)", "create_ticket(title='Bad', priority=9)",
         "create_ticket(title='Default')", "get_ticket(ticket_id=2)", "get_ticket(ticket_id=99)",
         "close_ticket(ticket_id=2)", "close_ticket(ticket_id=2)", "close_ticket(ticket_id=99)",
         "resolve_ticket(ticket_id=3, resolution='done')", "resolve_ticket(ticket_id=3, resolution='again')",
         "resolve_ticket(ticket_id=99, resolution='x')", "edit_ticket(ticket_id=1, updates={'title': 'Printer 2',"
         " 'priority': 3, 'description': None})", "edit_ticket(ticket_id=1, updates={'owner': 'x'})",
         "edit_ticket(ticket_id=99, updates={})", "get_user_tickets()", "get_user_tickets(status='closed')",
         "logout()", "logout()"]])

    probe("trading_bot", ["TradingBot"], {"TradingBot": trading}, [
        ["get_current_time()", "get_symbol_by_name(name='Tesla')", "get_symbol_by_name(name='Nobody')",
         "get_stock_info(symbol='AAPL')", "get_stock_info(symbol='XXXX')", "get_order_details(order_id=900)",
         "get_order_details(order_id=5)", "place_order(order_type='Buy', symbol='AAPL', price=100, amount=1)",
         "get_account_info()", "get_watchlist()", "get_order_history()", "get_transaction_history()",
         "withdraw_funds(amount=1)", "fund_account(amount=1)", "remove_stock_from_watchlist(symbol='NVDA')",
         "trading_get_login_status()", "trading_logout()"],
        ["trading_login(username='u', password='p')", "trading_login(username='u', password='p')",
         "trading_get_login_status()", "cancel_order(order_id=900)", "cancel_order(order_id=901)",
         "cancel_order(order_id=5)", "place_order(order_type='Buy', symbol='AAPL', price=227.16, amount=2)",
         "place_order(order_type='Buy', symbol='GOOG', price=2840.34, amount=5)",
         "place_order(order_type='Sell', symbol='TSLA', price=667.92, amount=3)",
         "place_order(order_type='Buy', symbol='NOPE', price=1, amount=1)",
         "place_order(order_type='Buy', symbol='AAPL', price=0, amount=1)", "get_order_details(order_id=1000)",
         "get_account_info()", "fund_account(amount=500)", "fund_account(amount=-5)", "withdraw_funds(amount=100.5)",
         "withdraw_funds(amount=0)", "withdraw_funds(amount=99999)", "get_transaction_history()",
         "get_transaction_history(start_date='2024-09-01', end_date='2024-09-03')",
         "get_transaction_history(start_date='2024-09-05')", "get_watchlist()", "add_to_watchlist(stock='TSLA')",
         "add_to_watchlist(stock='TSLA')", "add_to_watchlist(stock='NOPE')", "remove_stock_from_watchlist(symbol='NVDA')",
         "remove_stock_from_watchlist(symbol='NVDA')", "get_order_history()",
         "get_available_stocks(sector='Technology')", "get_available_stocks(sector='Farming')",
         "filter_stocks_by_price(stocks=['AAPL', 'GOOG', 'NOPE', 'ZETA'], min_price=20, max_price=300)",
         "notify_price_change(stocks=['AAPL', 'GOOG', 'TSLA'], threshold=0.15)",
         "notify_price_change(stocks=['ZETA'], threshold=5)", "trading_logout()", "trading_logout()"]])
    probe("trading_bot_long", ["TradingBot"], {"TradingBot": trading}, [
        ["trading_login(username='u', password='p')", "get_stock_info(symbol='AAPL')", "get_order_details(order_id=901)",
         "get_watchlist()", "get_transaction_history()", "get_available_stocks(sector='Automobile')",
         "fund_account(amount=10)"]], long_context=True)
    probe("trading_bot_default", ["TradingBot"], {}, [["get_stock_info(symbol='ZETA')", "get_order_details(order_id=12446)",
                                                       "trading_login(username='u', password='p')", "get_account_info()",
                                                       "get_watchlist()"]])

    probe("travel_api", ["TravelAPI"], {"TravelAPI": travel}, [
        ["travel_get_login_status()", "register_credit_card(access_token='x', card_number='1', expiration_date='1/1',"
         " cardholder_name='A', card_verification_number=1)", "get_budget_fiscal_year()",
         "list_all_airports()", "get_nearest_airport_by_city(location='Tokyo')",
         "get_nearest_airport_by_city(location='Atlantis')", "get_flight_cost(travel_from='SFO', travel_to='LAX',"
         " travel_date='2024-12-01', travel_class='economy')", "get_flight_cost(travel_from='SFO', travel_to='JFK',"
         " travel_date='2024-12-02', travel_class='first')", "get_flight_cost(travel_from='SFO', travel_to='PEK',"
         " travel_date='2024-12-01', travel_class='economy')", "get_flight_cost(travel_from='SFO', travel_to='LAX',"
         " travel_date='2024-12-01', travel_class='coach')", "compute_exchange_rate(base_currency='USD',"
         " target_currency='EUR', value=100)", "compute_exchange_rate(base_currency='JPY', target_currency='USD',"
         " value=1000)", "compute_exchange_rate(base_currency='EUR', target_currency='JPY', value=1)"],
        ["authenticate_travel(client_id='c', client_secret='s', refresh_token='r', grant_type='read_write',"
         " user_first_name='Ana', user_last_name='Li')", "travel_get_login_status()",
         "get_credit_card_balance(access_token='wrong', card_id='card_1')"],
        ["get_all_credit_cards()", "verify_traveler_information(first_name='Ana', last_name='Li',"
         " date_of_birth='1990-05-01', passport_number='US123')", "verify_traveler_information(first_name='Bo',"
         " last_name='Li', date_of_birth='1990-05-01', passport_number='US123')",
         "verify_traveler_information(first_name='Ana', last_name='Li', date_of_birth='01/05/1990',"
         " passport_number='US123')", "verify_traveler_information(first_name='Ana', last_name='Li',"
         " date_of_birth='2020-01-01', passport_number='US123')", "verify_traveler_information(first_name='Ana',"
         " last_name='Li', date_of_birth='1990-05-01', passport_number='UK123')",
         "contact_customer_support(booking_id='bk_1', message='help')",
         "contact_customer_support(booking_id='nope', message='help')"]])
    travel_token_turns = [
        "get_credit_card_balance(access_token='{t}', card_id='card_1')",
        "get_credit_card_balance(access_token='{t}', card_id='nope')",
        "register_credit_card(access_token='{t}', card_number='4222', expiration_date='02/31',"
        " cardholder_name='Ana Li', card_verification_number=456)",
        "register_credit_card(access_token='{t}', card_number='card_1', expiration_date='02/31',"
        " cardholder_name='Ana Li', card_verification_number=456)",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-01', travel_from='SFO',"
        " travel_to='LAX', travel_class='economy')",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-02', travel_from='SFO',"
        " travel_to='JFK', travel_class='business')",
        "book_flight(access_token='{t}', card_id='nope', travel_date='2024-12-01', travel_from='SFO',"
        " travel_to='LAX', travel_class='economy')",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-01', travel_from='XXX',"
        " travel_to='LAX', travel_class='economy')",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-01', travel_from='SFO',"
        " travel_to='XXX', travel_class='economy')",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='12/01/2024', travel_from='SFO',"
        " travel_to='LAX', travel_class='economy')",
        # (a wrong travel_class is left out: BFCL's message prints a set, whose order Python's hash seed decides)
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-01', travel_from='PEK',"
        " travel_to='LAX', travel_class='economy')",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-02', travel_from='JFK',"
        " travel_to='PEK', travel_class='first')",
        "get_booking_history(access_token='{t}')",
        "retrieve_invoice(access_token='{t}', booking_id='bk_1')",
        "retrieve_invoice(access_token='{t}', booking_id='nope')",
        "purchase_insurance(access_token='{t}', insurance_type='comprehensive', booking_id='bk_1',"
        " insurance_cost=50.0, card_id='card_1')",
        "purchase_insurance(access_token='{t}', insurance_type='x', booking_id='nope', insurance_cost=5,"
        " card_id='card_1')",
        "purchase_insurance(access_token='{t}', insurance_type='x', booking_id='bk_1', insurance_cost=5,"
        " card_id='nope')",
        "set_budget_limit(access_token='{t}', budget_limit=100)",
        "purchase_insurance(access_token='{t}', insurance_type='x', booking_id='bk_1', insurance_cost=500,"
        " card_id='card_1')",
        "book_flight(access_token='{t}', card_id='card_1', travel_date='2024-12-01', travel_from='SFO',"
        " travel_to='LAX', travel_class='economy')",
        "cancel_booking(access_token='{t}', booking_id='bk_1')",
        "cancel_booking(access_token='{t}', booking_id='bk_1')",
        "get_all_credit_cards()",
        "get_booking_history(access_token='wrong')",
        "cancel_booking(access_token='wrong', booking_id='x')",
        "set_budget_limit(access_token='wrong', budget_limit=1)",
        "retrieve_invoice(access_token='wrong')"]
    P[-1]["token_turn"] = travel_token_turns  # filled in with the token the backend issued, see main()
    probe("travel_api_long", ["TravelAPI"], {"TravelAPI": travel}, [
        ["get_all_credit_cards()", "get_flight_cost(travel_from='SFO', travel_to='LAX', travel_date='2024-12-01',"
         " travel_class='economy')"]], long_context=True)
    probe("travel_api_expired", ["TravelAPI"], {"TravelAPI": dict(travel, token_expires_in=0, access_token="t0")}, [
        ["travel_get_login_status()", "get_credit_card_balance(access_token='t0', card_id='card_1')",
         "book_flight(access_token='t0', card_id='card_1', travel_date='2024-12-01', travel_from='SFO',"
         " travel_to='LAX', travel_class='economy')", "retrieve_invoice(access_token='t0', booking_id='bk_1')",
         "get_booking_history(access_token='t0')", "cancel_booking(access_token='t0', booking_id='bk_1')",
         "set_budget_limit(access_token='t0', budget_limit=1)", "purchase_insurance(access_token='t0',"
         " insurance_type='x', booking_id='bk_1', insurance_cost=1, card_id='card_1')",
         "register_credit_card(access_token='t0', card_number='1', expiration_date='1', cardholder_name='A',"
         " card_verification_number=1)"]])

    probe("vehicle_control", ["VehicleControlAPI"], {"VehicleControlAPI": vehicle}, [
        ["startEngine(ignitionMode='START')", "lockDoors(unlock=False, door=['driver'])",
         "startEngine(ignitionMode='START')", "pressBrakePedal(pedalPosition=0.5)", "startEngine(ignitionMode='START')",
         "pressBrakePedal(pedalPosition=1)", "startEngine(ignitionMode='GO')", "startEngine(ignitionMode='START')",
         "displayCarStatus(option='engine')", "startEngine(ignitionMode='STOP')"],
        ["fillFuelTank(fuelAmount=-1)", "fillFuelTank(fuelAmount=45)", "fillFuelTank(fuelAmount=15.5)",
         "lockDoors(unlock=True, door=['driver', 'passenger'])", "lockDoors(unlock=True, door=['driver'])",
         "lockDoors(unlock=False, door=['trunk'])", "adjustClimateControl(temperature=70, unit='fahrenheit',"
         " fanSpeed=30, mode='cool')", "adjustClimateControl(temperature=22)",
         "adjustClimateControl(temperature=22, fanSpeed=101)", "get_outside_temperature_from_google()",
         "get_outside_temperature_from_weather_com()", "setHeadlights(mode='on')", "setHeadlights(mode='auto')",
         "setHeadlights(mode='blink')"],
        ["displayCarStatus(option='fuel')", "displayCarStatus(option='battery')", "displayCarStatus(option='doors')",
         "displayCarStatus(option='climate')", "displayCarStatus(option='headlights')",
         "displayCarStatus(option='parkingBrake')", "displayCarStatus(option='brakePedal')",
         "displayCarStatus(option='tyres')", "activateParkingBrake(mode='engage')", "activateParkingBrake(mode='release')",
         "activateParkingBrake(mode='hold')", "pressBrakePedal(pedalPosition=2)", "pressBrakePedal(pedalPosition=0)",
         "releaseBrakePedal()", "setCruiseControl(speed=65, activate=True, distanceToNextVehicle=100)"],
        ["lockDoors(unlock=False, door=['driver', 'passenger', 'rear_left', 'rear_right'])",
         "pressBrakePedal(pedalPosition=1.0)", "startEngine(ignitionMode='START')",
         "setCruiseControl(speed=65, activate=True, distanceToNextVehicle=100)",
         "setCruiseControl(speed=60, activate=True, distanceToNextVehicle=80)",
         "setCruiseControl(speed=60, activate=False, distanceToNextVehicle=80)", "get_current_speed()",
         "display_log(messages=['a', 'b'])", "estimate_drive_feasibility_by_mileage(distance=100)",
         "estimate_drive_feasibility_by_mileage(distance=100000)", "liter_to_gallon(liter=10)",
         "gallon_to_liter(gallon=2.5)", "estimate_distance(cityA='83214', cityB='74532')",
         "estimate_distance(cityA='08540', cityB='94704')", "estimate_distance(cityA='1', cityB='2')",
         "get_zipcode_based_on_city(city='Rivermist')", "get_zipcode_based_on_city(city='Nowhere')",
         "set_navigation(destination='123 Main St')", "check_tire_pressure()", "find_nearest_tire_shop()"]])
    probe("vehicle_control_long", ["VehicleControlAPI"], {"VehicleControlAPI": vehicle}, [
        ["get_outside_temperature_from_google()", "displayCarStatus(option='fuel')",
         "activateParkingBrake(mode='engage')", "estimate_distance(cityA='83214', cityB='74532')",
         "check_tire_pressure()"]], long_context=True)
    probe("vehicle_control_default", ["VehicleControlAPI"], {}, [["displayCarStatus(option='doors')",
                                                                   "check_tire_pressure()", "get_current_speed()"]])
    probe("two_classes", ["TwitterAPI", "TicketAPI"], {"TwitterAPI": twitter, "TicketAPI": ticket}, [
        ["authenticate_twitter(username='ana', password='pw1')", "ticket_login(username='kim', password='x')",
         "post_tweet(content='both')", "create_ticket(title='both')"]])
    return P


def keyword_form(call, classes):
    """A ground-truth call string with positional arguments named by the method's signature: BFCL's decoder keeps
    keyword arguments only, so this is how a model has to write the call."""
    import importlib
    import inspect
    from bfcl_eval.constants.executable_backend_config import CLASS_FILE_PATH_MAPPING
    node = ast.parse(call, mode="eval").body
    name = node.func.id
    method = None
    for c in classes:  # a later class wins a shared name, as in BFCL's mapping
        cls = getattr(importlib.import_module(CLASS_FILE_PATH_MAPPING[c]), c)
        if hasattr(cls, name):
            method = getattr(cls, name)
    params = [p for p in inspect.signature(method).parameters if p != "self"]
    args = [f"{params[i]}={ast.unparse(a)}" for i, a in enumerate(node.args)]
    args += [f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords]
    return f"{name}({', '.join(args)})"


def decode_execute(raw):
    """BFCL's default_decode_execute_prompting for literal arguments: keyword arguments only, values by repr."""
    text = raw.strip("`\n ")
    if not text.startswith("["):
        text = "[" + text
    if not text.endswith("]"):
        text = text + "]"
    out = []
    for call in ast.parse(text, mode="eval").body.elts:
        args = ", ".join(f"{k.arg}={repr(ast.literal_eval(k.value))}" for k in call.keywords)
        out.append(f"{ast.unparse(call.func)}({args})")
    return out


def bfcl_verdict(entry, gt, result, model_name):
    """_evaluate_single_multi_turn_entry: the turn count first, then decoding and multi_turn_checker."""
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker
    if len(result) != len(gt):
        return {"valid": False, "error_type": "multi_turn:force_terminated"}
    decoded = [[decode_execute(step) for step in turn if decode_execute(step)] for turn in result]
    v = multi_turn_checker(decoded, gt, entry, entry["id"].rsplit("_", 1)[0], model_name)
    return {"valid": v["valid"], "error_type": v.get("error_type")}


def as_result(turns):
    """Model result turns: one step per non-empty turn, a Python list of calls as a prompting model writes it."""
    return [["[" + ", ".join(t) + "]"] if t else [] for t in turns]


def mutations(entry, gt_kw, execute):
    """The four mutations of one entry's ground truth (keyword form), where the entry allows each."""
    classes = entry["involved_classes"]
    out = {"drop_turn": gt_kw[:-1]}
    # a wrong argument: the first call with a string or int literal argument gets another value
    for t, turn in enumerate(gt_kw):
        done = False
        for k, call in enumerate(turn):
            node = ast.parse(call, mode="eval").body
            for kw in node.keywords:
                if isinstance(kw.value, ast.Constant) and type(kw.value.value) in (str, int):
                    v = kw.value.value
                    kw.value = ast.Constant(v + "_x" if isinstance(v, str) else v + 1)
                    out["wrong_argument"] = [list(x) for x in gt_kw]
                    out["wrong_argument"][t][k] = ast.unparse(node)
                    done = True
                    break
            if done:
                break
        if done:
            break
    # two turns' calls swapped: the first pair of adjacent non-empty turns that differ
    for t in range(len(gt_kw) - 1):
        if gt_kw[t] and gt_kw[t + 1] and gt_kw[t] != gt_kw[t + 1]:
            swapped = [list(x) for x in gt_kw]
            swapped[t], swapped[t + 1] = swapped[t + 1], swapped[t]
            out["swap_turns"] = swapped
            break
    # an extra call that changes some backend's state: appended to the first turn where one does
    calls = [c for turn in gt_kw for c in turn]
    for t, turn in enumerate(gt_kw):
        if not turn:
            continue
        for n, extra in enumerate(calls):
            trial = [list(x) for x in gt_kw]
            trial[t] = trial[t] + [extra]
            tag = f"extra_{entry['id']}_{t}_{n}"
            _, before = execute(func_call_list=[c for x in gt_kw[:t + 1] for c in x], initial_config=entry["initial_config"],
                                involved_classes=classes, model_name=tag + "_a", test_entry_id=entry["id"])
            _, after = execute(func_call_list=[c for x in trial[:t + 1] for c in x], initial_config=entry["initial_config"],
                               involved_classes=classes, model_name=tag + "_b", test_entry_id=entry["id"])
            if any(state_digest(before[c]) != state_digest(after[c]) for c in before):
                out["extra_call"] = trial
                break
        if "extra_call" in out:
            break
    return out


def checker_vectors(execute):
    cat = "multi_turn_base"
    questions = [json.loads(l) for l in open(os.path.join(BFCL, f"BFCL_v4_{cat}.json"))]
    answers = {a["id"]: a["ground_truth"] for a in (json.loads(l) for l in open(os.path.join(BFCL, "possible_answer",
                                                                                         f"BFCL_v4_{cat}.json")))}
    path = os.path.join(OUT_GOLDEN, "checker_vectors.jsonl")
    counts = {}
    with open(path + ".tmp", "w") as f:
        for q in questions:
            gt = answers[q["id"]]
            gt_kw = [[keyword_form(c, q["involved_classes"]) for c in turn] for turn in gt]
            cases = {"ground_truth": gt_kw}
            cases.update(mutations(q, gt_kw, execute))
            for name, turns in cases.items():
                result = as_result(turns)
                verdict = bfcl_verdict(q, gt, result, f"vector_{name}")
                counts[(name, verdict["error_type"])] = counts.get((name, verdict["error_type"]), 0) + 1
                f.write(json.dumps({"id": q["id"], "case": name, "result": result, **verdict}, ensure_ascii=True) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{path}:")
    for (name, error), n in sorted(counts.items(), key=lambda x: (x[0][0], str(x[0][1]))):
        print(f"  {name:14s} {str(error):45s} {n}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gorilla", required=True, help="a checkout of github.com/ShishirPatil/gorilla")
    args = ap.parse_args()
    tmp, src = scratch_package(args.gorilla)
    commit = subprocess.run(["git", "-C", args.gorilla, "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    from bfcl_eval.eval_checker.multi_turn_eval import multi_turn_utils
    from bfcl_eval.eval_checker.multi_turn_eval.func_source_code import long_context, trading_bot

    # the data tables
    travel_src = open(os.path.join(src, "eval_checker/multi_turn_eval/func_source_code/travel_booking.py")).read()
    costs = None
    for node in ast.walk(ast.parse(travel_src)):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "base_costs":
            costs = ast.literal_eval(node.value)
    lc = {name: getattr(long_context, name) for name in dir(long_context) if name.isupper()}
    data = {"source": f"BFCL (Apache-2.0), gorilla {commit}, extracted by tools/bfcl_backend_golden.py",
            "long_context": lc,
            "trading_bot_default_state": trading_bot.DEFAULT_STATE,
            "travel_base_costs": {f"{a}|{b}": c for (a, b), c in costs.items()}}
    os.makedirs(os.path.dirname(OUT_DATA), exist_ok=True)
    with open(OUT_DATA + ".tmp", "w") as f:
        # long_context.py's WATCH_LIST_EXTENSION ends with a literal Ellipsis; JSON has none, so it is tagged
        json.dump(data, f, ensure_ascii=True, indent=None, separators=(",", ":"),
                  default=lambda o: {"__python__": "Ellipsis"} if o is Ellipsis else repr(o))
    os.replace(OUT_DATA + ".tmp", OUT_DATA)

    os.makedirs(OUT_GOLDEN, exist_ok=True)
    execute = multi_turn_utils.execute_multi_turn_func_call
    for cat in CATEGORIES:
        questions = [json.loads(l) for l in open(os.path.join(BFCL, f"BFCL_v4_{cat}.json"))]
        answers = {a["id"]: a for a in (json.loads(l) for l in open(os.path.join(BFCL, "possible_answer",
                                                                             f"BFCL_v4_{cat}.json")))}
        path = os.path.join(OUT_GOLDEN, f"{cat}.jsonl")
        with open(path + ".tmp", "w") as f:
            for q in questions:
                turns = replay(execute, q["id"], q["initial_config"], q["involved_classes"], "long_context" in cat,
                               answers[q["id"]]["ground_truth"], "gt")
                f.write(json.dumps({"id": q["id"], "turns": turns}, ensure_ascii=True) + "\n")
        os.replace(path + ".tmp", path)
        print(f"{path}: {len(questions)} entries")

    path = os.path.join(OUT_GOLDEN, "probes.jsonl")
    with open(path + ".tmp", "w") as f:
        for p in probes():
            turns = p["turns"]
            if "token_turn" in p:
                # the token is drawn from the backend's generator: run the first turns, read it, then go on
                head = replay(execute, p["id"], p["initial_config"], p["involved_classes"], p["long_context"],
                              turns, "probe")
                token = json.loads(head[1]["results"][0])["access_token"]
                turns = turns + [[c.format(t=token) for c in p.pop("token_turn")]]
            p["turns"] = replay(execute, p["id"] + "_final", p["initial_config"], p["involved_classes"],
                                p["long_context"], turns, "probe")
            f.write(json.dumps(p, ensure_ascii=True) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{path}: {len(probes())} probes")
    checker_vectors(execute)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
