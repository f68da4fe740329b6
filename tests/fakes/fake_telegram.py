#!/usr/bin/env python3
# fake_telegram.py: a fake Telegram Bot API for the tests: sendMessage (it
# parses HTML, MarkdownV2 and Markdown the way Telegram's server, TDLib's
# MessageEntity.cpp, does), and the calls of inline buttons: getUpdates
# (long polling, offsets, 409 for a second poller), answerCallbackQuery,
# editMessageText and editMessageReplyMarkup, with Telegram's own error
# texts. Button presses are injected through POST /_fake/press.

import json
import os
import sys
import threading
import time
from urllib.parse import parse_qsl

sys.dont_write_bytecode = True	# keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib  # noqa: E402

MAX_LEN = 4096		# UTF-16 code units after parsing
MAX_RAW = 1 << 15	# bytes before parsing (Client::get_formatted_text)


class ParseError(Exception):
	pass


def _at(b, i):
	# TDLib reads a NUL-terminated string: past the end is byte 0.
	return b[i] if i < len(b) else 0


def _is_space(c):
	return c in (0x20, 0x09, 0x0d, 0x0a, 0x00, 0x0b)


def _is_alpha(c):
	return 0x41 <= c <= 0x5a or 0x61 <= c <= 0x7a


def _is_digit(c):
	return 0x30 <= c <= 0x39


def _is_hex(c):
	return _is_digit(c) or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def _utf16_units(c):
	# Counted on UTF-8 lead bytes: 4-byte sequences are surrogate pairs.
	if c & 0xc0 == 0x80:
		return 0
	return 2 if c >= 0xf0 else 1


def _decode_entity(b, pos):
	"""Returns (code point, next position) or (0, pos) when the '&' is not a
	supported entity; Telegram then keeps the '&' as text."""
	end = pos + 1
	res = 0
	if _at(b, pos + 1) == ord("#"):
		end += 1
		if _at(b, pos + 2) == ord("x"):
			end += 1
			while _is_hex(_at(b, end)):
				res = res * 16 + int(chr(b[end]), 16)
				end += 1
		else:
			while _is_digit(_at(b, end)):
				res = res * 10 + b[end] - 0x30
				end += 1
		if res == 0 or res >= 0x10ffff or end - pos >= 10:
			return 0, pos
	else:
		while _is_alpha(_at(b, end)):
			end += 1
		name = bytes(b[pos + 1:end])
		res = {b"lt": 0x3c, b"gt": 0x3e, b"amp": 0x26,
		       b"quot": 0x22}.get(name, 0)
		if res == 0:
			return 0, pos
	if _at(b, end) == ord(";"):
		end += 1
	return res, end


HTML_TAGS = {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
	     "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote"}
TAG_ENTITY = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold",
	      "s": "strikethrough", "strike": "strikethrough",
	      "del": "strikethrough", "u": "underline", "ins": "underline",
	      "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
	      "pre": "pre", "code": "code", "a": "text_link",
	      "tg-emoji": "custom_emoji"}


def parse_html(b):
	"""b: UTF-8 bytes. Returns (text bytes, entities) or raises ParseError
	with TDLib's message."""
	out = bytearray()
	ents = []
	u16 = 0
	need_recheck = False
	stack = []  # [tag, argument, utf16 offset, output byte offset]
	i = 0
	n = len(b)
	while i < n:
		c = b[i]
		if c == 0x26:
			code, nxt = _decode_entity(b, i)
			if code:
				u16 += 2 if code > 0xffff else 1
				if 0xd800 <= code <= 0xdfff:
					need_recheck = True
				out += chr(code).encode("utf-8", "surrogatepass")
				i = nxt
				continue
		if c != 0x3c:
			u16 += _utf16_units(c)
			out.append(c)
			i += 1
			continue
		begin = i
		i += 1
		if _at(b, i) != ord("/"):
			while not _is_space(_at(b, i)) and _at(b, i) != ord(">"):
				i += 1
			if _at(b, i) == 0:
				raise ParseError("Unclosed start tag at byte offset %d" % begin)
			tag = bytes(b[begin + 1:i]).decode("utf-8", "replace").lower()
			if tag not in HTML_TAGS:
				raise ParseError('Unsupported start tag "%s" at byte offset %d'
						 % (tag, begin))
			arg = ""
			while _at(b, i) != ord(">"):
				while _at(b, i) != 0 and _is_space(_at(b, i)):
					i += 1
				if _at(b, i) == ord(">"):
					break
				abegin = i
				while not _is_space(_at(b, i)) and _at(b, i) != ord("="):
					i += 1
				aname = bytes(b[abegin:i])
				if not aname:
					raise ParseError('Empty attribute name in the tag "%s" at '
							 'byte offset %d' % (tag, begin))
				while _at(b, i) != 0 and _is_space(_at(b, i)):
					i += 1
				if _at(b, i) != ord("="):
					raise ParseError('Expected equal sign in declaration of an '
							 'attribute of the tag "%s" at byte offset %d'
							 % (tag, begin))
				i += 1
				while _at(b, i) != 0 and _is_space(_at(b, i)):
					i += 1
				if _at(b, i) == 0:
					raise ParseError('Unclosed start tag "%s" at byte offset %d'
							 % (tag, begin))
				q = _at(b, i)
				if q not in (ord("'"), ord('"')):
					tbegin = i
					while _is_alpha(_at(b, i)) or _is_digit(_at(b, i)) or \
					    _at(b, i) in (ord("."), ord("-")):
						i += 1
					val = bytes(b[tbegin:i]).decode().lower()
					if not _is_space(_at(b, i)) and _at(b, i) != ord(">"):
						raise ParseError("Unexpected end of name token at byte "
								 "offset %d" % tbegin)
				else:
					i += 1
					vb = bytearray()
					while _at(b, i) != q and _at(b, i) != 0:
						if b[i] == 0x26:
							code, nxt = _decode_entity(b, i)
							if code:
								vb += chr(code).encode("utf-8", "surrogatepass")
								i = nxt
								continue
						vb.append(b[i])
						i += 1
					if _at(b, i) == q:
						i += 1
					val = vb.decode("utf-8", "replace")
				if _at(b, i) == 0:
					raise ParseError("Unclosed start tag at byte offset %d" % begin)
				if tag == "a" and aname == b"href":
					arg = val
				elif tag == "code" and aname == b"class" and \
				    val.startswith("language-"):
					arg = val[9:]
				elif tag == "span" and aname == b"class" and val.startswith("tg-"):
					arg = val[3:]
				elif tag == "tg-emoji" and aname == b"emoji-id":
					arg = val
			if tag == "span" and arg != "spoiler":
				raise ParseError('Tag "span" must have class "tg-spoiler" at byte '
						 'offset %d' % begin)
			stack.append([tag, arg, u16, len(out)])
			i += 1
		else:
			if not stack:
				raise ParseError("Unexpected end tag at byte offset %d" % begin)
			while not _is_space(_at(b, i)) and _at(b, i) != ord(">"):
				i += 1
			end_tag = bytes(b[begin + 2:i]).decode("utf-8", "replace").lower()
			while _is_space(_at(b, i)) and _at(b, i) != 0:
				i += 1
			if _at(b, i) != ord(">"):
				raise ParseError("Unclosed end tag at byte offset %d" % begin)
			tag, arg, off, bpos = stack[-1]
			if end_tag and end_tag != tag:
				raise ParseError('Unmatched end tag at byte offset %d, expected '
						 '"</%s>", found "</%s>"' % (begin, tag, end_tag))
			if u16 > off:
				e = {"type": TAG_ENTITY[tag], "offset": off, "length": u16 - off}
				if tag == "a":
					e["url"] = arg or out[bpos:].decode("utf-8", "replace")
				elif tag == "tg-emoji":
					if not arg.isdigit() or int(arg) == 0:
						raise ParseError("Invalid custom emoji identifier specified")
					e["custom_emoji_id"] = arg
				elif tag == "code" and arg:
					if ents and ents[-1]["type"] == "pre" and \
					    ents[-1]["offset"] == off and ents[-1]["length"] == u16 - off:
						ents[-1]["language"] = arg
						e = None
				if e is not None:
					ents.append(e)
			stack.pop()
			i += 1
	if stack:
		raise ParseError("Can't find end tag corresponding to start tag %s"
				 % stack[-1][0])
	if need_recheck:
		try:
			bytes(out).decode("utf-8")
		except UnicodeDecodeError:
			raise ParseError("Text contains invalid Unicode characters after "
					 "decoding HTML entities, check for unmatched surrogate "
					 "code units")
	return bytes(out), ents


MDV2_TYPE_NAME = {"bold": "Bold", "italic": "Italic", "underline": "Underline",
		  "strikethrough": "Strikethrough", "spoiler": "Spoiler",
		  "code": "Code", "pre": "Pre", "text_link": "TextUrl",
		  "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote"}


def parse_markdown_v2(b):
	"""MarkdownV2 as TDLib parses it: reserved characters outside entities,
	nesting, unclosed entities, links. Returns (text bytes, entities)."""
	out = bytearray()
	ents = []
	u16 = 0
	stack = []  # [type, argument, utf16 offset, byte offset, output offset]
	quote = False
	n = len(b)
	i = 0

	def reserved(ch):
		return ParseError("Character '%s' is reserved and must be escaped with "
				  "the preceding '\\'" % chr(ch))

	while i < n:
		c = b[i]
		if c == 0x5c and 0 < _at(b, i + 1) <= 126:
			i += 1
			u16 += 1
			out.append(b[i])
			i += 1
			continue
		res = b"_*[]()~`>#+-=|{}.!\n"
		if stack and stack[-1][0] in ("code", "pre"):
			res = b"`"
		if c not in res:
			u16 += _utf16_units(c)
			out.append(c)
			i += 1
			continue
		is_end = False
		if stack:
			t = stack[-1][0]
			if quote and c == 0x0a and (i + 1 == n or b[i + 1] != ord(">")):
				is_end = True
			elif t == "bold":
				is_end = c == ord("*")
			elif t == "italic":
				is_end = c == ord("_") and _at(b, i + 1) != ord("_")
			elif t == "code":
				is_end = c == ord("`")
			elif t == "pre":
				is_end = c == ord("`") and _at(b, i + 1) == ord("`") and \
				    _at(b, i + 2) == ord("`")
			elif t in ("text_link", "custom_emoji"):
				is_end = c == ord("]")
			elif t == "underline":
				is_end = c == ord("_") and _at(b, i + 1) == ord("_")
			elif t == "strikethrough":
				is_end = c == ord("~")
			elif t == "spoiler":
				is_end = c == ord("|") and _at(b, i + 1) == ord("|")
		if not is_end:
			t = None
			arg = ""
			byte_off = i
			if c == ord("_"):
				if _at(b, i + 1) == ord("_"):
					t = "underline"
					i += 1
				else:
					t = "italic"
			elif c == ord("*"):
				t = "bold"
			elif c == ord("~"):
				t = "strikethrough"
			elif c == ord("|"):
				if _at(b, i + 1) != ord("|"):
					raise reserved(c)
				i += 1
				t = "spoiler"
			elif c == ord("["):
				t = "text_link"
			elif c == ord("`"):
				if _at(b, i + 1) == ord("`") and _at(b, i + 2) == ord("`"):
					i += 3
					t = "pre"
					lend = i
					while not _is_space(_at(b, lend)) and _at(b, lend) != ord("`"):
						lend += 1
					if i != lend and lend < n and b[lend] != ord("`"):
						arg = bytes(b[i:lend]).decode("utf-8", "replace")
						i = lend
					if _at(b, i) in (0x0a, 0x0d):
						if _at(b, i + 1) in (0x0a, 0x0d) and b[i] != _at(b, i + 1):
							i += 2
						else:
							i += 1
					i -= 1
				else:
					t = "code"
			elif c == ord("!"):
				if _at(b, i + 1) != ord("["):
					raise reserved(c)
				i += 1
				t = "custom_emoji"
			elif c == 0x0a:
				u16 += 1
				out.append(0x0a)
				if i + 1 < n and b[i + 1] == ord(">"):
					i += 1
					if not quote:
						t = "blockquote"
						quote = True
			elif c == ord(">"):
				if i != 0:
					raise reserved(c)
				t = "blockquote"
				quote = True
			else:
				raise reserved(c)
			if t is not None:
				stack.append([t, arg, u16, byte_off, len(out)])
			i += 1
			continue
		t, arg, off, byte_off, opos = stack[-1]
		if c == 0x0a and t != "blockquote":
			raise ParseError("Can't find end of %s entity at byte offset %d"
					 % (MDV2_TYPE_NAME[t], byte_off))
		e = {"type": t, "offset": off, "length": u16 - off}
		if t in ("underline", "spoiler"):
			i += 1
		elif t == "pre":
			i += 2
			if arg:
				e["language"] = arg
		elif t == "text_link":
			if _at(b, i + 1) != ord("("):
				e["url"] = out[opos:].decode("utf-8", "replace")
			else:
				i += 2
				ubegin = i
				url = bytearray()
				while i < n and b[i] != ord(")"):
					if b[i] == 0x5c and 0 < _at(b, i + 1) <= 126:
						url.append(b[i + 1])
						i += 2
						continue
					url.append(b[i])
					i += 1
				if _at(b, i) != ord(")"):
					raise ParseError("Can't find end of a URL at byte offset %d"
							 % ubegin)
				e["url"] = url.decode("utf-8", "replace")
		elif t == "custom_emoji":
			if _at(b, i + 1) != ord("("):
				raise ParseError("Custom emoji entity must contain a tg://emoji URL")
			i += 2
			ubegin = i
			while i < n and b[i] != ord(")"):
				i += 1
			if _at(b, i) != ord(")"):
				raise ParseError("Can't find end of a custom emoji URL at byte "
						 "offset %d" % ubegin)
		elif t == "blockquote":
			quote = False
			out.append(b[i])
			u16 += 1
		if u16 != off:
			ents.append(e)
		stack.pop()
		i += 1
	if quote and stack and stack[-1][0] == "blockquote":
		t, arg, off, byte_off, opos = stack.pop()
		if u16 != off:
			ents.append({"type": "blockquote", "offset": off, "length": u16 - off})
	if stack:
		raise ParseError("Can't find end of %s entity at byte offset %d"
				 % (MDV2_TYPE_NAME[stack[-1][0]], stack[-1][3]))
	return bytes(out), ents


def parse_markdown(b):
	"""Legacy Markdown: _italic_ *bold* `code` ```pre``` [text](url)."""
	out = bytearray()
	ents = []
	u16 = 0
	n = len(b)
	i = 0
	while i < n:
		c = b[i]
		if c == 0x5c and _at(b, i + 1) in b"_*`[":
			i += 1
			out.append(b[i])
			u16 += 1
			i += 1
			continue
		if c not in b"_*`[":
			u16 += _utf16_units(c)
			out.append(c)
			i += 1
			continue
		begin = i
		endc = ord("]") if c == ord("[") else c
		pre = False
		lang = ""
		i += 1
		if c == ord("`") and _at(b, i) == ord("`") and _at(b, i + 1) == ord("`"):
			i += 2
			pre = True
			lend = i
			while not _is_space(_at(b, lend)) and _at(b, lend) != ord("`"):
				lend += 1
			if i != lend and lend < n and b[lend] != ord("`"):
				lang = bytes(b[i:lend]).decode("utf-8", "replace")
				i = lend
			if _at(b, i) in (0x0a, 0x0d):
				if _at(b, i + 1) in (0x0a, 0x0d) and b[i] != _at(b, i + 1):
					i += 2
				else:
					i += 1
		off = u16
		while i < n and (b[i] != endc or
				 (pre and not (_at(b, i + 1) == ord("`") and
					       _at(b, i + 2) == ord("`")))):
			u16 += _utf16_units(b[i])
			out.append(b[i])
			i += 1
		if i == n:
			raise ParseError("Can't find end of the entity starting at byte "
					 "offset %d" % begin)
		if off != u16:
			e = {"offset": off, "length": u16 - off}
			if c == ord("_"):
				e["type"] = "italic"
			elif c == ord("*"):
				e["type"] = "bold"
			elif c == ord("["):
				e["type"] = "text_link"
				if _at(b, i + 1) == ord("("):
					i += 2
					url = bytearray()
					while i < n and b[i] != ord(")"):
						url.append(b[i])
						i += 1
					e["url"] = url.decode("utf-8", "replace")
				else:
					e["url"] = bytes(b[begin + 1:i]).decode("utf-8", "replace")
			else:
				e["type"] = "pre" if pre else "code"
				if lang:
					e["language"] = lang
			ents.append(e)
		if pre:
			i += 2
		i += 1
	return bytes(out), ents


def utf16_len(s):
	return len(s.encode("utf-16-le", "surrogatepass")) // 2


def shift_entities(ents, lead, total):
	"""Moves entities to the trimmed text: lead units cut at the front,
	total units left; entities left empty disappear."""
	out = []
	for e in ents:
		start = max(0, e["offset"] - lead)
		end = min(total, e["offset"] + e["length"] - lead)
		if end > start:
			e = dict(e, offset=start, length=end - start)
			out.append(e)
	return out


def tg_json(obj):
	# Telegram's encoder (TDLib's JsonBuilder): compact, non-ASCII as \uXXXX.
	return json.dumps(obj, separators=(",", ":")).encode()


def tg_error(code, description, parameters=None):
	body = {"ok": False, "error_code": code, "description": description}
	if parameters:
		body["parameters"] = parameters
	return fakelib.Response(code, tg_json(body), "application/json")


BAD = "Bad Request: "


def ok(result):
	return fakelib.Response(200, tg_json({"ok": True, "result": result}),
				"application/json")


class FakeTelegram(fakelib.FakeService):
	name = "telegram"

	def default_config(self):
		return {
			"tokens": ["123456:TEST-token"],
			"chats": {
				"42": {"type": "private"},
				"-1001": {"type": "supergroup"},
			},
			"rate_limits_enabled": True,
			# rate per second and burst, per private chat, per group
			# (negative ids: 20 per minute) and per bot token.
			"rate_private": {"rate": 1, "burst": 3},
			"rate_group": {"rate": 20 / 60, "burst": 20},
			"rate_bot": {"rate": 30, "burst": 30},
		}

	def reset_state(self):
		self.next_id = {}
		# The button calls' state: messages sent (by chat key and id),
		# pending updates, callback queries and who is long polling.
		self.messages = {}
		self.updates = {}	# per bot token
		self.next_update = 1
		self.queries = {}
		self.poll_gen = {}	# per bot token
		if hasattr(self, "cond"):
			self.cond.notify_all()	# waiting polls return at once
		else:
			self.cond = threading.Condition(self.lock)

	def forced_response(self, f, req):
		if f.get("close"):
			return fakelib.Response(0, close=True)
		st = int(f["status"])
		if "body" in f:
			return fakelib.Response(st, f["body"], f.get("content_type",
				"application/json"), [[k, str(v)] for k, v in
				f.get("headers", {}).items()])
		if st == 429:
			ra = int(f.get("retry_after", 1))
			return tg_error(429, "Too Many Requests: retry after %d" % ra,
					{"retry_after": ra})
		desc = f.get("description", {
			400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
			404: "Not Found", 500: "Internal Server Error",
			502: "Bad Gateway"}.get(st, "Error"))
		return tg_error(st, desc, f.get("parameters"))

	def _params(self, req):
		"""Parameters from the query string and a JSON or urlencoded body.
		Like the Bot API, every value is a string: JSON strings decoded,
		anything else kept as its JSON text (42, true)."""
		params = dict(parse_qsl(req.query, keep_blank_values=True))
		ct = req.content_type()
		if req.body and ct == "application/json":
			try:
				obj = json.loads(req.body.decode("utf-8"))
			except (UnicodeDecodeError, ValueError):
				raise ValueError("Bad Request: can't parse JSON object")
			if not isinstance(obj, dict):
				raise ValueError("Bad Request: can't parse JSON object")
			for k, v in obj.items():
				params[k] = v if isinstance(v, str) else \
				    json.dumps(v, separators=(",", ":"))
		elif req.body and ct == "application/x-www-form-urlencoded":
			try:
				pairs = parse_qsl(req.body.decode("ascii"), keep_blank_values=True,
						  encoding="utf-8", errors="strict")
			except (UnicodeDecodeError, ValueError):
				raise ValueError("Bad Request: strings must be encoded in UTF-8")
			params.update(pairs)
		return params

	def _chat(self, chat_id):
		"""Returns (config key, chat config or None)."""
		key = chat_id.strip()
		if not key.startswith("@"):
			try:
				key = str(int(key))
			except ValueError:
				return key, None
		return key, self.config["chats"].get(key)

	def handle(self, req):
		parts = req.path.split("/")
		if len(parts) != 3 or not parts[1].startswith("bot"):
			return tg_error(404, "Not Found")
		token, method = parts[1][3:], parts[2]
		if token not in self.config["tokens"]:
			# Malformed tokens are refused by the front end
			# (ClientManager::send), others by Telegram itself.
			uid = token.split(":")[0]
			if not token or token[0] == "0" or len(token) > 80 or \
			    ":" not in token or not uid.isdigit() or \
			    not 0 < int(uid) < 1 << 54:
				return tg_error(401, "Unauthorized: invalid token specified")
			return tg_error(401, "Unauthorized")
		meth = {"sendmessage": None, "getupdates": self.get_updates,
			"answercallbackquery": self.answer_callback,
			"editmessagetext": self.edit_text,
			"editmessagereplymarkup": self.edit_markup}
		if method.lower() not in meth:
			return tg_error(404, "Not Found: method not found")
		try:
			p = self._params(req)
		except ValueError as e:
			return tg_error(400, str(e))
		if meth[method.lower()] is not None:
			return meth[method.lower()](token, p)

		# The Bot API's order: the text and its entities are checked
		# before the chat (Client::process_send_message_query), the
		# parsed length and emptiness only when TDLib sends.
		text = p.get("text")
		if text is None or text == "":
			return tg_error(400, BAD + "message text is empty")
		try:
			raw = text.encode("utf-8")
		except UnicodeEncodeError:
			return tg_error(400, BAD + "strings must be encoded in UTF-8")
		if len(raw) > MAX_RAW:
			return tg_error(400, BAD + "text is too long")
		m = (p.get("parse_mode") or "").lower()
		if m not in ("", "none", "html", "markdown", "markdownv2"):
			return tg_error(400, BAD + "unsupported parse_mode")
		try:
			if m == "html":
				out, ents = parse_html(raw)
			elif m == "markdownv2":
				out, ents = parse_markdown_v2(raw)
			elif m == "markdown":
				out, ents = parse_markdown(raw)
			else:
				out, ents = raw, []
		except ParseError as e:
			return tg_error(400, BAD + "can't parse entities: " + str(e))

		chat_id = p.get("chat_id")
		if chat_id is None or chat_id.strip() == "":
			return tg_error(400, BAD + "chat_id is empty")
		key, chat = self._chat(chat_id)
		if chat is None:
			return tg_error(400, BAD + "chat not found")
		if "migrate_to_chat_id" in chat:
			return tg_error(400, BAD + "group chat was upgraded to a supergroup chat",
					{"migrate_to_chat_id": chat["migrate_to_chat_id"]})
		kind = chat.get("type", "private")
		if chat.get("blocked"):
			desc = chat.get("forbidden") or (
				"Forbidden: bot was blocked by the user" if kind == "private"
				else "Forbidden: bot was kicked from the %s chat" % kind)
			return tg_error(403, desc)
		thread = p.get("message_thread_id")
		if thread not in (None, "", "0"):
			try:
				thread = int(thread)
			except ValueError:
				return tg_error(400, BAD + "invalid message thread identifier specified")
			if "threads" in chat and thread not in chat["threads"]:
				return tg_error(400, BAD + "message thread not found")
		else:
			thread = None

		plain = out.decode("utf-8", "surrogatepass")
		# Telegram trims surrounding white space before it measures.
		stripped = plain.strip(" \t\r\n")
		if stripped == "":
			return tg_error(400, BAD + "message text is empty")
		if utf16_len(stripped) > MAX_LEN:
			return tg_error(400, BAD + "message is too long")
		ents = shift_entities(ents, utf16_len(plain) - utf16_len(
			plain.lstrip(" \t\r\n")), utf16_len(stripped))

		chat_numeric = chat.get("id", key)
		group = kind != "private" or str(chat_numeric).startswith("-")
		rl = self.config["rate_group" if group else "rate_private"]
		wait = self.limit(("chat", token, key), rl["rate"], rl["burst"])
		if not wait:
			rb = self.config["rate_bot"]
			wait = self.limit(("bot", token), rb["rate"], rb["burst"])
		if wait:
			return tg_error(429, "Too Many Requests: retry after %d" % wait,
					{"retry_after": wait})

		self.next_id[key] = self.next_id.get(key, 0) + 1
		cobj = {"id": int(chat_numeric), "type": kind}
		if kind == "private":
			cobj["first_name"] = chat.get("first_name", "Test")
		else:
			cobj["title"] = chat.get("title", "Test %s" % kind)
		if key.startswith("@"):
			cobj["username"] = key[1:]
		bot_id = token.split(":")[0]
		msg = {
			"message_id": self.next_id[key],
			"from": {"id": int(bot_id) if bot_id.isdigit() else 1,
				 "is_bot": True, "first_name": "Fake Bot",
				 "username": "fake_bot"},
			"chat": cobj,
			"date": int(time.time()),
			"text": stripped,
		}
		if thread is not None:
			msg["message_thread_id"] = thread
			msg["is_topic_message"] = True
		if ents:
			msg["entities"] = sorted(ents, key=lambda e: (e["offset"],
								    -e["length"]))
		markup, err = self._markup(p)
		if err:
			return err
		if markup:
			msg["reply_markup"] = markup
		# A reply names a message of the same chat; a missing one is an
		# error unless allow_sending_without_reply (then no reply).
		reply = p.get("reply_to_message_id")
		if reply not in (None, "", "0"):
			try:
				orig = self.messages.get((token, key, int(reply)))
			except ValueError:
				orig = None
			if orig is not None:
				msg["reply_to_message"] = dict(orig["message"])
			elif p.get("allow_sending_without_reply") != "true":
				self.next_id[key] -= 1
				return tg_error(400, BAD + "message to be replied not found")
		self.messages[(token, key, msg["message_id"])] = {
			"message": msg, "editable": True}
		return ok(msg)

	# ---- inline buttons ----

	def _markup(self, p):
		"""The inline keyboard of reply_markup: (markup or None, error)."""
		raw = p.get("reply_markup")
		if raw in (None, ""):
			return None, None
		try:
			m = json.loads(raw)
		except ValueError:
			return None, tg_error(400, BAD + "can't parse reply keyboard markup JSON object")
		if not isinstance(m, dict) or not isinstance(m.get("inline_keyboard"), list):
			return None, tg_error(400, BAD + "can't parse inline keyboard button: "
					      "InlineKeyboardButton must be an Object")
		for row in m["inline_keyboard"]:
			for b in row if isinstance(row, list) else [None]:
				if not isinstance(b, dict) or not b.get("text"):
					return None, tg_error(400, BAD + "can't parse inline "
							      "keyboard button: Text buttons are "
							      "unallowed in the inline keyboard")
				cd = b.get("callback_data")
				if cd is not None and not 1 <= len(cd.encode()) <= 64:
					return None, tg_error(400, BAD + "BUTTON_DATA_INVALID")
		return m, None

	def control(self, req):
		r = self._control_call(req)
		return None if r is None else fakelib._json_response(r[0], r[1])

	def _control_call(self, req):
		"""POST /_fake/press: a user presses a button of a sent message.
		{"token", "chat", "message_id", "from": {"id", "username",
		"first_name"}, and "button" (its text) or "data" (any callback
		data, as a modified client can send)}. Answers the update id
		and callback query id.
		POST /_fake/message: {"token", "chat", "message_id",
		"editable": false} or {"deleted": true} changes a sent message."""
		if req.method != "POST" or req.path not in ("/_fake/press",
							    "/_fake/message"):
			return None
		c = json.loads(req.body or b"{}")
		token = c.get("token", self.config["tokens"][0])
		k = (token, str(c["chat"]), int(c["message_id"]))
		if req.path == "/_fake/message":
			if k not in self.messages:
				return 404, {"ok": False, "error": "no such message"}
			if c.get("deleted"):
				del self.messages[k]
			elif "editable" in c:
				self.messages[k]["editable"] = bool(c["editable"])
			return 200, {"ok": True}
		m = self.messages.get(k)
		data = c.get("data")
		if data is None:
			if m is None:
				return 404, {"ok": False, "error": "no such message"}
			for row in m["message"].get("reply_markup", {}).get(
				    "inline_keyboard", []):
				for b in row:
					if b["text"] == c["button"]:
						data = b.get("callback_data")
			if data is None:
				return 404, {"ok": False, "error": "no such button"}
		qid = str(4000000000000000000 + self.next_update)
		frm = {"id": 123456789, "is_bot": False, "first_name": "Test"}
		frm.update(c.get("from", {}))
		q = {"id": qid, "from": frm, "chat_instance": "-5000", "data": data}
		if m is not None:
			# As it was when pressed, not as later edits make it.
			q["message"] = json.loads(json.dumps(m["message"]))
		else:
			q["message"] = {"message_id": k[2], "chat": {"id": int(k[1]),
				"type": "private"}, "date": 0}
		u = {"update_id": self.next_update, "callback_query": q}
		self.next_update += 1
		self.updates.setdefault(token, []).append(u)
		self.queries[qid] = {"answered": False}
		self.cond.notify_all()
		return 200, {"ok": True, "update_id": u["update_id"], "query_id": qid}

	def get_updates(self, token, p):
		"""Long polling as the Bot API does it: an offset confirms every
		update before it (they are gone for good), a negative one keeps
		the last ones; with nothing pending the call waits up to
		timeout seconds; a newer call ends a waiting one with 409."""
		try:
			offset = int(p.get("offset") or 0)
			limit = int(p.get("limit") or 100)
			timeout = int(p.get("timeout") or 0)
			allowed = json.loads(p["allowed_updates"]) \
			    if p.get("allowed_updates") else None
		except ValueError:
			return tg_error(400, BAD + "invalid parameter")
		pending = self.updates.setdefault(token, [])
		if offset > 0:
			pending[:] = [u for u in pending if u["update_id"] >= offset]
		elif offset < 0:
			pending[:] = pending[offset:]
		# One poller per bot: a newer call ends this bot's waiting one.
		gen = self.poll_gen[token] = self.poll_gen.get(token, 0) + 1
		deadline = time.monotonic() + max(0, timeout)

		def wanted():
			return [u for u in pending if allowed is None or
				any(t in u for t in allowed)][:max(1, min(limit, 100))]
		while not wanted() and self.poll_gen[token] == gen:
			left = deadline - time.monotonic()
			if left <= 0:
				break
			self.cond.wait(left)
		if self.poll_gen[token] != gen:
			return tg_error(409, "Conflict: terminated by other getUpdates "
					"request; make sure that only one bot instance is "
					"running")
		return ok(wanted())

	def answer_callback(self, token, p):
		q = self.queries.get(p.get("callback_query_id") or "")
		if q is None or q["answered"]:
			return tg_error(400, BAD + "query is too old and response timeout "
					"expired or query ID is invalid")
		text = p.get("text") or ""
		if len(text) > 200:
			return tg_error(400, BAD + "MESSAGE_TOO_LONG")
		q["answered"] = True
		q["text"] = text
		return ok(True)

	def _edited(self, token, p):
		"""The message an edit names: (entry, error)."""
		chat = p.get("chat_id")
		if chat is None or chat.strip() == "":
			return None, tg_error(400, BAD + "chat_id is empty")
		key, cfg = self._chat(chat)
		if cfg is None:
			return None, tg_error(400, BAD + "chat not found")
		try:
			mid = int(p.get("message_id") or 0)
		except ValueError:
			mid = 0
		if mid == 0:
			return None, tg_error(400, BAD + "message identifier is not specified")
		e = self.messages.get((token, key, mid))
		if e is None:
			return None, tg_error(400, BAD + "message to edit not found")
		if not e["editable"]:
			return None, tg_error(400, BAD + "message can't be edited")
		return e, None

	NOT_MODIFIED = BAD + ("message is not modified: specified new message "
			      "content and reply markup are exactly the same as a "
			      "current content and reply markup of the message")

	def edit_text(self, token, p):
		e, err = self._edited(token, p)
		if err:
			return err
		text = p.get("text") or ""
		if text.strip(" \t\r\n") == "":
			return tg_error(400, BAD + "message text is empty")
		m = (p.get("parse_mode") or "").lower()
		try:
			if m == "html":
				out, ents = parse_html(text.encode())
			elif m == "markdownv2":
				out, ents = parse_markdown_v2(text.encode())
			elif m == "markdown":
				out, ents = parse_markdown(text.encode())
			else:
				out = text.encode()
				ents = json.loads(p["entities"]) if p.get("entities") else []
		except ParseError as ex:
			return tg_error(400, BAD + "can't parse entities: " + str(ex))
		except ValueError:
			return tg_error(400, BAD + "can't parse entities JSON object")
		plain = out.decode("utf-8", "surrogatepass").strip(" \t\r\n")
		if utf16_len(plain) > MAX_LEN:
			return tg_error(400, BAD + "message is too long")
		for x in ents:
			if x.get("offset", 0) + x.get("length", 0) > utf16_len(plain):
				return tg_error(400, BAD + "can't parse entities: entity "
						"beyond the end of text")
		markup, err = self._markup(p)
		if err:
			return err
		msg = e["message"]
		if plain == msg.get("text") and (ents or None) == msg.get("entities") \
		    and markup == msg.get("reply_markup"):
			return tg_error(400, self.NOT_MODIFIED)
		msg["text"] = plain
		msg.pop("entities", None)
		if ents:
			msg["entities"] = ents
		msg.pop("reply_markup", None)
		if markup:
			msg["reply_markup"] = markup
		msg["edit_date"] = int(time.time())
		return ok(msg)

	def edit_markup(self, token, p):
		e, err = self._edited(token, p)
		if err:
			return err
		markup, err = self._markup(p)
		if err:
			return err
		msg = e["message"]
		if markup == msg.get("reply_markup"):
			return tg_error(400, self.NOT_MODIFIED)
		msg.pop("reply_markup", None)
		if markup:
			msg["reply_markup"] = markup
		msg["edit_date"] = int(time.time())
		return ok(msg)


if __name__ == "__main__":
	sys.exit(fakelib.main(FakeTelegram))
