/* xmpp-message.c: messages; XEP-0085 2.1, -0184 1.4, -0203 2.0, -0308 1.2, -0333 0.4, -0359 0.7
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-message.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-error.h"
#include "xmpp-message-private.h"

#define NS_STANZAS   "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_CARBONS   "urn:xmpp:carbons:2"
#define NS_MAM       "urn:xmpp:mam:2"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

/* At most this many <stanza-id/> are kept; a real message carries one per
 * archive it went through (the account's, a room's). */
#define MAX_STANZA_IDS 8

/* URLs and error texts longer than these are dropped or cut. */
#define MAX_URL_BYTES 8192
#define MAX_ERROR_TEXT_BYTES 1024

typedef struct
{
  char    *id;
  XmppJid *by;
} StanzaId;

/**
 * XmppMessage:
 *
 * What one `<message/>` says, parsed: its addresses and ids (with the
 * XEP-0359 origin-id and stanza-ids), the body in the preferred language,
 * the thread, a XEP-0203 delay, a chat state, receipt and marker requests
 * and answers, a correction's target, whether it is OMEMO-encrypted, an
 * out-of-band URL, the error of a bounce, and the path it came by (live,
 * carbon or archive).
 *
 * Values are immutable and reference counted.  Every field a peer controls
 * is bounded: bodies are cut at %XMPP_MESSAGE_MAX_BODY_BYTES, over-long
 * ids count as absent, invalid UTF-8 is replaced, an unparsable or
 * impossible delay stamp counts as absent and a future one is clamped to
 * now (SECURITY rows 27, 44).
 */
struct _XmppMessage
{
  gatomicrefcount        ref_count;
  XmppNode              *node;
  XmppMessageType        type;
  XmppJid               *from;
  XmppJid               *to;
  char                  *id;
  char                  *origin_id;
  StanzaId              *stanza_ids;
  guint                  n_stanza_ids;
  char                  *body;
  char                  *thread;
  GDateTime             *timestamp;
  GDateTime             *delay;
  XmppJid               *delay_from;
  XmppChatState          chat_state;
  char                  *receipt_id;
  XmppChatMarker         marker;
  char                  *marker_id;
  char                  *replace_id;
  XmppNode              *encrypted;
  char                  *oob_url;
  char                  *error_condition;
  char                  *error_text;
  XmppMessageProvenance  provenance;
  XmppJid               *archive;
  char                  *archive_id;
  char                  *query_id;
  guint                  receipt_requested : 1;
  guint                  markable : 1;
  guint                  muc_private : 1;
};

G_DEFINE_BOXED_TYPE (XmppMessage, xmpp_message, xmpp_message_ref, xmpp_message_unref)

static const char * const type_names[] = {
  [XMPP_MESSAGE_TYPE_NORMAL] = "normal",
  [XMPP_MESSAGE_TYPE_CHAT] = "chat",
  [XMPP_MESSAGE_TYPE_GROUPCHAT] = "groupchat",
  [XMPP_MESSAGE_TYPE_HEADLINE] = "headline",
  [XMPP_MESSAGE_TYPE_ERROR] = "error",
};

G_STATIC_ASSERT (G_N_ELEMENTS (type_names) == XMPP_MESSAGE_TYPE_ERROR + 1);

static const char * const chat_state_names[] = {
  [XMPP_CHAT_STATE_NONE] = NULL,
  [XMPP_CHAT_STATE_ACTIVE] = "active",
  [XMPP_CHAT_STATE_COMPOSING] = "composing",
  [XMPP_CHAT_STATE_PAUSED] = "paused",
  [XMPP_CHAT_STATE_INACTIVE] = "inactive",
  [XMPP_CHAT_STATE_GONE] = "gone",
};

G_STATIC_ASSERT (G_N_ELEMENTS (chat_state_names) == XMPP_CHAT_STATE_GONE + 1);

static const char * const marker_names[] = {
  [XMPP_CHAT_MARKER_NONE] = NULL,
  [XMPP_CHAT_MARKER_RECEIVED] = "received",
  [XMPP_CHAT_MARKER_DISPLAYED] = "displayed",
  [XMPP_CHAT_MARKER_ACKNOWLEDGED] = "acknowledged",
};

G_STATIC_ASSERT (G_N_ELEMENTS (marker_names) == XMPP_CHAT_MARKER_ACKNOWLEDGED + 1);

/**
 * xmpp_message_type_to_string:
 * @type: a message type
 *
 * Returns: the value of the `type` attribute for @type
 */
const char *
xmpp_message_type_to_string (XmppMessageType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), NULL);

  return type_names[type];
}

/**
 * xmpp_chat_state_to_string:
 * @state: a chat state
 *
 * Returns: (nullable): the element name of @state, or %NULL for
 *   %XMPP_CHAT_STATE_NONE
 */
const char *
xmpp_chat_state_to_string (XmppChatState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (chat_state_names), NULL);

  return chat_state_names[state];
}

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

static XmppMessageType
type_from_string (const char *text)
{
  /* RFC 6121 §5.2.2: no type, or one we do not know, means normal. */
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (type_names); i++)
    {
      if (strcmp (text, type_names[i]) == 0)
        return (XmppMessageType) i;
    }
  return XMPP_MESSAGE_TYPE_NORMAL;
}

/* A token (id, thread) as we keep it: absent when empty, too long or not
 * UTF-8.  The reader guarantees UTF-8 for what comes off the wire; nodes
 * built in code may hold anything. */
static char *
dup_token (const char *text)
{
  gsize length;

  if (text == NULL || text[0] == '\0')
    return NULL;
  length = strnlen (text, XMPP_MESSAGE_MAX_ID_BYTES + 1);
  if (length > XMPP_MESSAGE_MAX_ID_BYTES || !g_utf8_validate (text, length, NULL))
    return NULL;
  return g_strndup (text, length);
}

/* Free text (a body, an error text): valid UTF-8, at most @max_bytes,
 * cut at a character boundary. */
static char *
dup_text (const char *text,
          gsize       max_bytes)
{
  g_autofree char *valid = NULL;
  gsize length;

  if (text == NULL)
    return g_strdup ("");

  length = strlen (text);
  if (!g_utf8_validate (text, length, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      text = valid;
      length = strlen (valid);
    }
  if (length > max_bytes)
    {
      const char *end = text + max_bytes;

      /* Back up to the start of the character that would be split. */
      while (end > text && ((guchar) *end & 0xC0) == 0x80)
        end--;
      return g_strndup (text, end - text);
    }
  return valid != NULL ? g_steal_pointer (&valid) : g_strdup (text);
}

static XmppJid *
parse_optional_jid (const char *text)
{
  return text != NULL ? xmpp_jid_new (text, NULL) : NULL;
}

GDateTime *
xmpp_message_parse_stamp (const char *text)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (text == NULL)
    return NULL;
  /* Without a default zone, a stamp without a zone is rejected: XEP-0082
   * requires one, and guessing would shift it by hours. */
  parsed = g_date_time_new_from_iso8601 (text, NULL);
  if (parsed == NULL)
    return NULL;

  now = g_date_time_new_now_utc ();
  if (g_date_time_compare (parsed, now) > 0)
    return g_steal_pointer (&now);
  return g_date_time_to_utc (parsed);
}

static gboolean
lang_matches (const char *lang,
              const char *wanted)
{
  gsize n = strlen (wanted);

  /* BCP 47 prefix matching: "en" matches "en-GB" and the other way. */
  if (g_ascii_strcasecmp (lang, wanted) == 0)
    return TRUE;
  if (g_ascii_strncasecmp (lang, wanted, n) == 0 && lang[n] == '-')
    return TRUE;
  n = strlen (lang);
  return g_ascii_strncasecmp (wanted, lang, n) == 0 && wanted[n] == '-';
}

/* Of several <body/>: the first in @language, else the first in the
 * stanza's own language (no xml:lang, or the stanza's), else the first
 * (RFC 6121 §5.2.3). */
static XmppNode *
choose_body (XmppNode   *stanza,
             const char *language)
{
  const char *default_lang = xmpp_node_get_attribute (stanza, "xml:lang");
  XmppNode *preferred = NULL;
  XmppNode *unlabelled = NULL;
  XmppNode *first = NULL;
  XmppNode **children;
  guint n_children = 0;

  children = xmpp_node_get_children (stanza, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      const char *lang;
      const char *effective;

      if (!xmpp_node_is (children[i], "body", XMPP_NS_CLIENT))
        continue;
      lang = xmpp_node_get_attribute (children[i], "xml:lang");
      effective = lang != NULL ? lang : default_lang;
      if (first == NULL)
        first = children[i];
      if (preferred == NULL && language != NULL && effective != NULL &&
          lang_matches (effective, language))
        preferred = children[i];
      if (unlabelled == NULL &&
          (lang == NULL || (default_lang != NULL && g_ascii_strcasecmp (lang, default_lang) == 0)))
        unlabelled = children[i];
    }

  return preferred != NULL ? preferred : unlabelled != NULL ? unlabelled : first;
}

static void
parse_error (XmppMessage *self,
             XmppNode    *error)
{
  XmppNode **children;
  guint n_children = 0;

  children = xmpp_node_get_children (error, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      const char *name = xmpp_node_get_name (children[i]);

      if (g_strcmp0 (xmpp_node_get_xmlns (children[i]), NS_STANZAS) != 0)
        continue;
      if (strcmp (name, "text") == 0)
        {
          if (self->error_text == NULL)
            self->error_text = dup_text (xmpp_node_get_text (children[i]), MAX_ERROR_TEXT_BYTES);
        }
      else if (self->error_condition == NULL)
        self->error_condition = dup_token (name);
    }
}

static void
add_stanza_id (XmppMessage *self,
               XmppNode    *child)
{
  g_autofree char *id = dup_token (xmpp_node_get_attribute (child, "id"));
  g_autoptr(XmppJid) by = parse_optional_jid (xmpp_node_get_attribute (child, "by"));

  /* XEP-0359 §5: both attributes are required. */
  if (id == NULL || by == NULL)
    {
      g_debug ("message: ignoring a stanza-id without a valid id or 'by'");
      return;
    }

  /* At most one per 'by' (XEP-0359 §5).  Two for the same archive make
   * both meaningless: neither can be trusted for deduplication. */
  for (guint i = 0; i < self->n_stanza_ids; i++)
    {
      if (xmpp_jid_equal (self->stanza_ids[i].by, by))
        {
          g_debug ("message: two stanza-ids by %s; ignoring both", xmpp_jid_to_string (by));
          g_clear_pointer (&self->stanza_ids[i].id, g_free);
          return;
        }
    }
  if (self->n_stanza_ids == MAX_STANZA_IDS)
    return;

  if (self->stanza_ids == NULL)
    self->stanza_ids = g_new0 (StanzaId, MAX_STANZA_IDS);
  self->stanza_ids[self->n_stanza_ids].id = g_steal_pointer (&id);
  self->stanza_ids[self->n_stanza_ids].by = g_steal_pointer (&by);
  self->n_stanza_ids++;
}

/* Drops the entries add_stanza_id() found ambiguous. */
static void
compact_stanza_ids (XmppMessage *self)
{
  guint kept = 0;

  for (guint i = 0; i < self->n_stanza_ids; i++)
    {
      if (self->stanza_ids[i].id == NULL)
        {
          g_clear_pointer (&self->stanza_ids[i].by, xmpp_jid_unref);
          continue;
        }
      self->stanza_ids[kept++] = self->stanza_ids[i];
    }
  self->n_stanza_ids = kept;
  if (kept == 0)
    g_clear_pointer (&self->stanza_ids, g_free);
}

static void
parse_delay (XmppMessage *self,
             XmppNode    *delay)
{
  const char *stamp = xmpp_node_get_attribute (delay, "stamp");

  self->delay = xmpp_message_parse_stamp (stamp);
  if (self->delay == NULL)
    {
      if (stamp != NULL)
        g_debug ("message: ignoring an invalid delay stamp");
      return;
    }
  self->delay_from = parse_optional_jid (xmpp_node_get_attribute (delay, "from"));
}

static XmppChatState
chat_state_from_name (const char *name)
{
  for (guint i = XMPP_CHAT_STATE_ACTIVE; i < G_N_ELEMENTS (chat_state_names); i++)
    {
      if (strcmp (name, chat_state_names[i]) == 0)
        return (XmppChatState) i;
    }
  return XMPP_CHAT_STATE_NONE;
}

static void
parse_marker (XmppMessage *self,
              XmppNode    *child)
{
  const char *name = xmpp_node_get_name (child);
  g_autofree char *id = NULL;

  if (strcmp (name, "markable") == 0)
    {
      self->markable = TRUE;
      return;
    }
  if (self->marker != XMPP_CHAT_MARKER_NONE)
    return;
  for (guint i = XMPP_CHAT_MARKER_RECEIVED; i < G_N_ELEMENTS (marker_names); i++)
    {
      if (strcmp (name, marker_names[i]) != 0)
        continue;
      /* A marker without the id of what it marks says nothing. */
      id = dup_token (xmpp_node_get_attribute (child, "id"));
      if (id == NULL)
        return;
      self->marker = (XmppChatMarker) i;
      self->marker_id = g_steal_pointer (&id);
      return;
    }
}

/* One pass over the children, each namespace to its parser.  The first of
 * a kind wins, except where a rule says otherwise. */
static void
parse_children (XmppMessage *self,
                XmppNode    *stanza)
{
  XmppNode **children;
  guint n_children = 0;

  children = xmpp_node_get_children (stanza, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      XmppNode *child = children[i];
      const char *name = xmpp_node_get_name (child);
      const char *xmlns = xmpp_node_get_xmlns (child);

      if (xmlns == NULL)
        continue;

      if (strcmp (xmlns, XMPP_NS_CLIENT) == 0)
        {
          if (strcmp (name, "thread") == 0 && self->thread == NULL)
            self->thread = dup_token (xmpp_node_get_text (child));
          else if (strcmp (name, "error") == 0 && self->type == XMPP_MESSAGE_TYPE_ERROR &&
                   self->error_condition == NULL)
            parse_error (self, child);
        }
      else if (strcmp (xmlns, XMPP_NS_STANZA_ID) == 0)
        {
          if (strcmp (name, "origin-id") == 0 && self->origin_id == NULL)
            self->origin_id = dup_token (xmpp_node_get_attribute (child, "id"));
          else if (strcmp (name, "stanza-id") == 0)
            add_stanza_id (self, child);
        }
      else if (strcmp (xmlns, XMPP_NS_DELAY) == 0)
        {
          if (strcmp (name, "delay") == 0 && self->delay == NULL)
            parse_delay (self, child);
        }
      else if (strcmp (xmlns, XMPP_NS_CHAT_STATES) == 0)
        {
          if (self->chat_state == XMPP_CHAT_STATE_NONE)
            self->chat_state = chat_state_from_name (name);
        }
      else if (strcmp (xmlns, XMPP_NS_RECEIPTS) == 0)
        {
          if (strcmp (name, "request") == 0)
            self->receipt_requested = TRUE;
          else if (strcmp (name, "received") == 0 && self->receipt_id == NULL)
            self->receipt_id = dup_token (xmpp_node_get_attribute (child, "id"));
        }
      else if (strcmp (xmlns, XMPP_NS_CHAT_MARKERS) == 0)
        parse_marker (self, child);
      else if (strcmp (xmlns, XMPP_NS_CORRECTION) == 0)
        {
          if (strcmp (name, "replace") == 0 && self->replace_id == NULL)
            self->replace_id = dup_token (xmpp_node_get_attribute (child, "id"));
        }
      else if (strcmp (xmlns, XMPP_NS_OMEMO_LEGACY) == 0)
        {
          if (strcmp (name, "encrypted") == 0 && self->encrypted == NULL)
            self->encrypted = xmpp_node_ref (child);
        }
      else if (strcmp (xmlns, XMPP_NS_OOB) == 0)
        {
          const char *url = xmpp_node_get_child_text (child, "url", XMPP_NS_OOB);

          if (strcmp (name, "x") == 0 && self->oob_url == NULL && url != NULL &&
              url[0] != '\0' && strlen (url) <= MAX_URL_BYTES && g_utf8_validate (url, -1, NULL))
            self->oob_url = g_strdup (url);
        }
      else if (strcmp (xmlns, XMPP_NS_MUC_USER) == 0)
        {
          if (strcmp (name, "x") == 0 && self->type != XMPP_MESSAGE_TYPE_GROUPCHAT)
            self->muc_private = TRUE;
        }
    }
  compact_stanza_ids (self);
}

XmppMessage *
xmpp_message_parse_full (XmppNode                 *stanza,
                         const char               *language,
                         const XmppMessageContext *context,
                         GError                  **error)
{
  g_autoptr(XmppMessage) self = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *from;
  const char *to;
  XmppNode *body;

  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (context->provenance != XMPP_MESSAGE_PROVENANCE_ARCHIVE ||
                        (context->archive != NULL && context->archive_id != NULL &&
                         context->stamp != NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (stanza, "message", XMPP_NS_CLIENT))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("Not a message"));
      return NULL;
    }

  self = g_new0 (XmppMessage, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->node = xmpp_node_ref (stanza);
  self->type = type_from_string (xmpp_node_get_attribute (stanza, "type"));

  /* The client checks the addresses of what arrives on the stream; a
   * forwarded message inside a carbon or an archive result is checked
   * here. */
  from = xmpp_node_get_attribute (stanza, "from");
  if (from != NULL && (self->from = xmpp_jid_new (from, &local_error)) == NULL)
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("Message with an invalid sender: %s"), local_error->message);
      return NULL;
    }
  to = xmpp_node_get_attribute (stanza, "to");
  if (to != NULL && (self->to = xmpp_jid_new (to, &local_error)) == NULL)
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("Message with an invalid recipient: %s"), local_error->message);
      return NULL;
    }
  self->id = dup_token (xmpp_node_get_attribute (stanza, "id"));

  body = choose_body (stanza, language);
  if (body != NULL)
    self->body = dup_text (xmpp_node_get_text (body), XMPP_MESSAGE_MAX_BODY_BYTES);

  parse_children (self, stanza);
  if (self->type == XMPP_MESSAGE_TYPE_ERROR && self->error_condition == NULL)
    self->error_condition = g_strdup ("undefined-condition");

  self->provenance = context->provenance;
  if (context->archive != NULL)
    self->archive = xmpp_jid_dup_bare (context->archive);
  self->archive_id = g_strdup (context->archive_id);
  self->query_id = g_strdup (context->query_id);
  if (context->stamp != NULL)
    self->timestamp = g_date_time_to_utc (context->stamp);
  else
    self->timestamp = g_date_time_new_now_utc ();

  return g_steal_pointer (&self);
}

/**
 * xmpp_message_parse:
 * @stanza: a `<message/>` in `jabber:client`, from the stream or forwarded
 *   inside a carbon or an archive result
 * @language: (nullable): the preferred language of the body (BCP 47)
 * @error: return location for a #GError
 *
 * Parses @stanza as a live message.  It does not look at who sent it: the
 * path it came by decides that (the carbons and MAM modules parse with
 * their own provenance after their checks).
 *
 * Of several bodies, the first in @language is chosen, else the first in
 * the stanza's default language, else the first (RFC 6121 §5.2.3).
 *
 * Returns: (transfer full): the message, or %NULL with
 *   %XMPP_ERROR_BAD_STANZA if @stanza is not a message or its `from` or
 *   `to` is not a valid JID
 */
XmppMessage *
xmpp_message_parse (XmppNode    *stanza,
                    const char  *language,
                    GError     **error)
{
  const XmppMessageContext live = { XMPP_MESSAGE_PROVENANCE_LIVE, NULL, NULL, NULL, NULL };

  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return xmpp_message_parse_full (stanza, language, &live, error);
}

gboolean
xmpp_message_stanza_is_wrapper (XmppNode *stanza)
{
  g_return_val_if_fail (stanza != NULL, FALSE);

  return xmpp_node_get_child (stanza, "sent", NS_CARBONS) != NULL ||
         xmpp_node_get_child (stanza, "received", NS_CARBONS) != NULL ||
         xmpp_node_get_child (stanza, "result", NS_MAM) != NULL ||
         xmpp_node_get_child (stanza, "event", NS_PUBSUB_EVENT) != NULL;
}

/**
 * xmpp_message_ref:
 * @self: a message
 *
 * Returns: (transfer full): @self, with one more reference
 */
XmppMessage *
xmpp_message_ref (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_message_unref:
 * @self: (transfer full): a message
 *
 * Drops a reference; the last one frees the message.
 */
void
xmpp_message_unref (XmppMessage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->node, xmpp_node_unref);
  g_clear_pointer (&self->from, xmpp_jid_unref);
  g_clear_pointer (&self->to, xmpp_jid_unref);
  g_free (self->id);
  g_free (self->origin_id);
  for (guint i = 0; i < self->n_stanza_ids; i++)
    {
      g_free (self->stanza_ids[i].id);
      xmpp_jid_unref (self->stanza_ids[i].by);
    }
  g_free (self->stanza_ids);
  g_free (self->body);
  g_free (self->thread);
  g_clear_pointer (&self->timestamp, g_date_time_unref);
  g_clear_pointer (&self->delay, g_date_time_unref);
  g_clear_pointer (&self->delay_from, xmpp_jid_unref);
  g_free (self->receipt_id);
  g_free (self->marker_id);
  g_free (self->replace_id);
  g_clear_pointer (&self->encrypted, xmpp_node_unref);
  g_free (self->oob_url);
  g_free (self->error_condition);
  g_free (self->error_text);
  g_clear_pointer (&self->archive, xmpp_jid_unref);
  g_free (self->archive_id);
  g_free (self->query_id);
  g_free (self);
}

/* ------------------------------------------------------------------------
 * Getters
 * ------------------------------------------------------------------------ */

/**
 * xmpp_message_get_message_type:
 * @self: a message
 *
 * Returns: the message's type
 */
XmppMessageType
xmpp_message_get_message_type (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, XMPP_MESSAGE_TYPE_NORMAL);

  return self->type;
}

/**
 * xmpp_message_get_from:
 * @self: a message
 *
 * Returns: (transfer none) (nullable): the sender; %NULL if the stanza
 *   had no `from` (it came from the own account's server)
 */
XmppJid *
xmpp_message_get_from (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->from;
}

/**
 * xmpp_message_get_to:
 * @self: a message
 *
 * Returns: (transfer none) (nullable): the recipient, if the stanza named one
 */
XmppJid *
xmpp_message_get_to (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->to;
}

/**
 * xmpp_message_get_id:
 * @self: a message
 *
 * Returns: (nullable): the stanza's `id`, chosen by the sender
 */
const char *
xmpp_message_get_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->id;
}

/**
 * xmpp_message_get_origin_id:
 * @self: a message
 *
 * The sender's own id for the message (XEP-0359 `<origin-id/>`).  Anyone
 * can write any origin-id: it identifies a message only together with its
 * sender (SECURITY I2).
 *
 * Returns: (nullable): the origin-id
 */
const char *
xmpp_message_get_origin_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->origin_id;
}

/**
 * xmpp_message_get_n_stanza_ids:
 * @self: a message
 *
 * Returns: how many usable `<stanza-id/>` the message carries
 */
guint
xmpp_message_get_n_stanza_ids (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_stanza_ids;
}

/**
 * xmpp_message_get_stanza_id_at:
 * @self: a message
 * @index: an index below xmpp_message_get_n_stanza_ids()
 * @by: (out) (optional) (transfer none): the entity that assigned the id
 *
 * The stanza-ids of the message (XEP-0359), in document order.  A
 * stanza-id without `id` or with an invalid `by` is left out, and so are
 * all of them when two name the same `by`.  They are claims: use
 * xmpp_messages_get_trusted_stanza_id() to decide whether to believe one.
 *
 * Returns: the id
 */
const char *
xmpp_message_get_stanza_id_at (XmppMessage  *self,
                               guint         index,
                               XmppJid     **by)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_stanza_ids, NULL);

  if (by != NULL)
    *by = self->stanza_ids[index].by;
  return self->stanza_ids[index].id;
}

/**
 * xmpp_message_get_stanza_id:
 * @self: a message
 * @by: the entity whose stanza-id is wanted, e.g. a room's bare JID
 *
 * Looks up the stanza-id assigned by @by, compared as a prepared JID: a
 * bare @by matches only a bare `by`.  This is a claim, not yet a fact:
 * believe it only if @by advertises `urn:xmpp:sid:0` (SECURITY row 10);
 * for the own account, xmpp_messages_get_trusted_stanza_id() does both.
 *
 * Returns: (nullable): the id, or %NULL if @by assigned none
 */
const char *
xmpp_message_get_stanza_id (XmppMessage *self,
                            XmppJid     *by)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (by != NULL, NULL);

  for (guint i = 0; i < self->n_stanza_ids; i++)
    {
      if (xmpp_jid_equal (self->stanza_ids[i].by, by))
        return self->stanza_ids[i].id;
    }
  return NULL;
}

/**
 * xmpp_message_get_body:
 * @self: a message
 *
 * Returns: (nullable): the body in the preferred language (see
 *   xmpp_message_parse()), `""` for an empty `<body/>`, %NULL if there is
 *   none.  For an encrypted message this is the sender's fallback text,
 *   never to be shown as the message (SECURITY row 48).
 */
const char *
xmpp_message_get_body (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->body;
}

/**
 * xmpp_message_get_thread:
 * @self: a message
 *
 * Returns: (nullable): the `<thread/>` id
 */
const char *
xmpp_message_get_thread (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->thread;
}

/**
 * xmpp_message_get_timestamp:
 * @self: a message
 *
 * When the message is filed: for an archive result, the archive's stamp
 * (the result's `<forwarded/><delay/>`, clamped to now), likewise for a
 * carbon whose `<forwarded/>` has one; otherwise the local time it was
 * parsed.  The sender's own claim is xmpp_message_get_delay().
 *
 * Returns: (transfer none): the time, in UTC
 */
GDateTime *
xmpp_message_get_timestamp (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->timestamp;
}

/**
 * xmpp_message_get_delay:
 * @self: a message
 *
 * The XEP-0203 `<delay/>` of the message itself: when it was first sent,
 * as claimed by xmpp_message_get_delay_from() (or by the sender if that is
 * %NULL).  Use it for ordering only if that is the own server or the room
 * (SECURITY row 27); otherwise show it as the claimed time.
 *
 * Returns: (transfer none) (nullable): the stamp in UTC, never in the
 *   future; %NULL if absent or unparsable
 */
GDateTime *
xmpp_message_get_delay (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->delay;
}

/**
 * xmpp_message_get_delay_from:
 * @self: a message
 *
 * Returns: (transfer none) (nullable): the `from` of the delay, if it is a
 *   valid JID and the delay has a valid stamp
 */
XmppJid *
xmpp_message_get_delay_from (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->delay_from;
}

/**
 * xmpp_message_get_chat_state:
 * @self: a message
 *
 * Returns: the XEP-0085 chat state the message carries
 */
XmppChatState
xmpp_message_get_chat_state (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, XMPP_CHAT_STATE_NONE);

  return self->chat_state;
}

/**
 * xmpp_message_get_receipt_requested:
 * @self: a message
 *
 * Returns: whether the sender asks for a XEP-0184 receipt
 */
gboolean
xmpp_message_get_receipt_requested (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->receipt_requested;
}

/**
 * xmpp_message_get_receipt_id:
 * @self: a message
 *
 * The id of the message this XEP-0184 receipt confirms.  It confirms
 * delivery only if it comes from that message's recipient (SECURITY row
 * 19): compare xmpp_message_get_from() before applying it.
 *
 * Returns: (nullable): the id, if the message is a receipt
 */
const char *
xmpp_message_get_receipt_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->receipt_id;
}

/**
 * xmpp_message_get_markable:
 * @self: a message
 *
 * Returns: whether the sender asks for XEP-0333 chat markers
 */
gboolean
xmpp_message_get_markable (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->markable;
}

/**
 * xmpp_message_get_marker:
 * @self: a message
 *
 * The XEP-0333 chat marker the message carries; see
 * xmpp_message_get_marker_id().  As with receipts, apply it only if it
 * comes from the marked message's recipient (SECURITY row 19).
 *
 * Returns: the marker
 */
XmppChatMarker
xmpp_message_get_marker (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, XMPP_CHAT_MARKER_NONE);

  return self->marker;
}

/**
 * xmpp_message_get_marker_id:
 * @self: a message
 *
 * Returns: (nullable): the id of the message the marker points at
 */
const char *
xmpp_message_get_marker_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->marker_id;
}

/**
 * xmpp_message_get_replace_id:
 * @self: a message
 *
 * The id of the message this one corrects (XEP-0308).  A correction is
 * acceptable only from the sender of the original (SECURITY row 14); that
 * check needs the stored original, so it is the caller's.
 *
 * Returns: (nullable): the id of the corrected message
 */
const char *
xmpp_message_get_replace_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->replace_id;
}

/**
 * xmpp_message_get_encrypted:
 * @self: a message
 *
 * The legacy OMEMO payload (`<encrypted xmlns='eu.siacs.conversations.axolotl'/>`),
 * for the OMEMO layer to decrypt.
 *
 * Returns: (transfer none) (nullable): the element, or %NULL if the
 *   message is not OMEMO-encrypted; don't modify it
 */
XmppNode *
xmpp_message_get_encrypted (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->encrypted;
}

/**
 * xmpp_message_get_oob_url:
 * @self: a message
 *
 * The XEP-0066 out-of-band URL.  It is not checked in any way: fetching
 * it is subject to SECURITY row 43.
 *
 * Returns: (nullable): the URL
 */
const char *
xmpp_message_get_oob_url (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->oob_url;
}

/**
 * xmpp_message_get_error_condition:
 * @self: a message
 *
 * For a message of type `error`, the RFC 6120 §8.3.3 condition.  The
 * bounced message is the one whose id is xmpp_message_get_id(), but only
 * if the error comes from where it was sent (SECURITY row 19).
 *
 * Returns: (nullable): the condition, e.g. `service-unavailable`
 *   (`undefined-condition` if the error named none); %NULL if the message
 *   is not an error
 */
const char *
xmpp_message_get_error_condition (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error_condition;
}

/**
 * xmpp_message_get_error_text:
 * @self: a message
 *
 * Returns: (nullable): the error's human-readable text, if it has one
 */
const char *
xmpp_message_get_error_text (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error_text;
}

/**
 * xmpp_message_get_muc_private:
 * @self: a message
 *
 * Whether this is a private message between room occupants (it is not of
 * type `groupchat` and carries `<x xmlns='http://jabber.org/protocol/muc#user'/>`,
 * XEP-0045 §7.5).  File it under the room's occupant, not as a one-to-one
 * chat with the room's JID; carbons of it are marked the same way
 * (SECURITY row 5).
 *
 * Returns: whether the message is a private message in a room
 */
gboolean
xmpp_message_get_muc_private (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->muc_private;
}

/**
 * xmpp_message_get_provenance:
 * @self: a message
 *
 * Returns: the path by which the message reached us
 */
XmppMessageProvenance
xmpp_message_get_provenance (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, XMPP_MESSAGE_PROVENANCE_LIVE);

  return self->provenance;
}

/**
 * xmpp_message_get_archive:
 * @self: a message
 *
 * Returns: (transfer none) (nullable): for an archive result, the bare JID
 *   of the archive it came from (the own account, or a room); else %NULL
 */
XmppJid *
xmpp_message_get_archive (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->archive;
}

/**
 * xmpp_message_get_archive_id:
 * @self: a message
 *
 * For an archive result, the id the archive gave the message: its
 * stanza-id in that archive, and the cursor for paging (XEP-0313 §4).
 *
 * Returns: (nullable): the id, or %NULL if the message is not from an archive
 */
const char *
xmpp_message_get_archive_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->archive_id;
}

/**
 * xmpp_message_get_query_id:
 * @self: a message
 *
 * Returns: (nullable): for an archive result, the id of the query it answered
 */
const char *
xmpp_message_get_query_id (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->query_id;
}

/**
 * xmpp_message_get_node:
 * @self: a message
 *
 * The `<message/>` element the message was parsed from (the forwarded one,
 * for carbons and archive results), for payloads this type does not parse.
 *
 * Returns: (transfer none): the element; don't modify it
 */
XmppNode *
xmpp_message_get_node (XmppMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->node;
}

/* ------------------------------------------------------------------------
 * Builders
 * ------------------------------------------------------------------------ */

static XmppNode *
build_message (XmppJid    *to,
               const char *id)
{
  XmppNode *message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                       "to", xmpp_jid_to_string (to),
                                       "type", "chat",
                                       NULL);

  if (id != NULL)
    xmpp_node_set_attribute (message, "id", id);
  return message;
}

static XmppNode *
build_with_body (XmppJid    *to,
                 const char *id,
                 const char *body)
{
  XmppNode *message = build_message (to, id);

  xmpp_node_add_text_child (message, "body", NULL, body);
  xmpp_node_add_child_with_attributes (message, "origin-id", XMPP_NS_STANZA_ID, "id", id, NULL);
  xmpp_node_add_child (message, "request", XMPP_NS_RECEIPTS);
  return message;
}

/**
 * xmpp_message_build_chat:
 * @to: the recipient: a bare JID, or the full JID that last wrote
 * @id: a fresh UUID, stored with the message before it is sent
 *   (SECURITY O1); retries use the same
 * @body: the text
 *
 * Builds a one-to-one chat message (`type='chat'`) whose `id` and XEP-0359
 * `<origin-id/>` are both @id, asking for a XEP-0184 receipt and XEP-0333
 * markers, with the XEP-0085 `<active/>` state.  Send it with
 * xmpp_client_send_async() to learn when the server has it.  The node can
 * be changed before sending (e.g. to add an OMEMO payload).
 *
 * Returns: (transfer full): the message
 */
XmppNode *
xmpp_message_build_chat (XmppJid    *to,
                         const char *id,
                         const char *body)
{
  XmppNode *message;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);
  g_return_val_if_fail (body != NULL, NULL);

  message = build_with_body (to, id, body);
  xmpp_node_add_child (message, "markable", XMPP_NS_CHAT_MARKERS);
  xmpp_node_add_child (message, "active", XMPP_NS_CHAT_STATES);
  return message;
}

/**
 * xmpp_message_build_correction:
 * @to: the recipient of the corrected message
 * @id: a fresh UUID for the correction itself (SECURITY O1)
 * @replace_id: the `id` of the message being corrected, which must be
 *   the last one we sent in that conversation (XEP-0308 §5)
 * @body: the corrected text
 *
 * Builds a XEP-0308 correction, with origin-id and receipt request as
 * xmpp_message_build_chat().
 *
 * Returns: (transfer full): the message
 */
XmppNode *
xmpp_message_build_correction (XmppJid    *to,
                               const char *id,
                               const char *replace_id,
                               const char *body)
{
  XmppNode *message;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);
  g_return_val_if_fail (replace_id != NULL && replace_id[0] != '\0', NULL);
  g_return_val_if_fail (body != NULL, NULL);

  message = build_with_body (to, id, body);
  xmpp_node_add_child_with_attributes (message, "replace", XMPP_NS_CORRECTION,
                                       "id", replace_id, NULL);
  return message;
}

static XmppNode *
build_pointer (XmppJid    *to,
               const char *name,
               const char *xmlns,
               const char *target_id)
{
  g_autofree char *id = g_uuid_string_random ();
  XmppNode *message = build_message (to, id);

  xmpp_node_add_child_with_attributes (message, name, xmlns, "id", target_id, NULL);
  return message;
}

/**
 * xmpp_message_build_receipt:
 * @to: the sender of the message being confirmed (its full JID, as it came)
 * @received_id: that message's `id`
 *
 * Builds a XEP-0184 receipt.  Send it once the message is stored, and
 * only if it asked for one (xmpp_message_get_receipt_requested()).
 *
 * Returns: (transfer full): the receipt
 */
XmppNode *
xmpp_message_build_receipt (XmppJid    *to,
                            const char *received_id)
{
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (received_id != NULL && received_id[0] != '\0', NULL);

  return build_pointer (to, "received", XMPP_NS_RECEIPTS, received_id);
}

/**
 * xmpp_message_build_displayed:
 * @to: the sender of the message that was displayed
 * @displayed_id: that message's `id`; it marks it and everything before
 *
 * Builds a XEP-0333 `<displayed/>` marker, for a message that was
 * markable (xmpp_message_get_markable()).
 *
 * Returns: (transfer full): the marker message
 */
XmppNode *
xmpp_message_build_displayed (XmppJid    *to,
                              const char *displayed_id)
{
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (displayed_id != NULL && displayed_id[0] != '\0', NULL);

  return build_pointer (to, "displayed", XMPP_NS_CHAT_MARKERS, displayed_id);
}

/**
 * xmpp_message_build_chat_state:
 * @to: the contact
 * @state: the state to announce; not %XMPP_CHAT_STATE_NONE
 *
 * Builds a standalone XEP-0085 chat state notification.  Servers do not
 * archive these.
 *
 * Returns: (transfer full): the notification
 */
XmppNode *
xmpp_message_build_chat_state (XmppJid       *to,
                               XmppChatState  state)
{
  XmppNode *message;

  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (state > XMPP_CHAT_STATE_NONE && state <= XMPP_CHAT_STATE_GONE, NULL);

  message = build_message (to, NULL);
  xmpp_node_add_child (message, chat_state_names[state], XMPP_NS_CHAT_STATES);
  return message;
}

/* ------------------------------------------------------------------------
 * XmppMessages
 * ------------------------------------------------------------------------ */

/**
 * XmppMessages:
 *
 * The message module of one #XmppClient: the single exit of the receive
 * pipeline.  Every message that reaches the account, whichever path it
 * took, comes out of #XmppMessages::message, parsed, once its path's
 * sender check has passed: live messages (from the client's handler),
 * and carbons (from #XmppCarbons, which checks that they come from the
 * own account).  Archive results are not emitted: #XmppMam returns them
 * to whoever queried.
 *
 * It advertises XEP-0184 receipts, XEP-0085 chat states, XEP-0333 chat
 * markers and XEP-0308 corrections in disco, so create it before the
 * initial presence, whose entity capabilities list the features.  It does
 * not answer receipt requests itself: a receipt says "stored", so the
 * caller sends it (xmpp_message_build_receipt()) once the message is.
 *
 * Its stanza handler observes and never consumes: it returns %FALSE, so
 * modules registered after it still see every message.  Stanzas that
 * wrap a payload another module owns (a carbon, an archive result, a PEP
 * notification) are not emitted, whether or not that module exists.
 *
 * The module holds strong references to its client and disco; the client
 * holds none to the module (its handler carries unowned data and is
 * removed in dispose).
 */
struct _XmppMessages
{
  GObject     parent_instance;

  XmppClient *client;
  XmppDisco  *disco;
  char       *language;
  guint       handler_id;
};

G_DEFINE_FINAL_TYPE (XmppMessages, xmpp_messages, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_DISCO,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const own_features[] = {
  XMPP_NS_RECEIPTS,
  XMPP_NS_CHAT_STATES,
  XMPP_NS_CHAT_MARKERS,
  XMPP_NS_CORRECTION,
};

void
xmpp_messages_deliver (XmppMessages *self,
                       XmppMessage  *message)
{
  g_return_if_fail (XMPP_IS_MESSAGES (self));
  g_return_if_fail (message != NULL);

  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);
}

gboolean
xmpp_messages_handle_message (XmppMessages *self,
                              XmppNode     *stanza)
{
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (XMPP_IS_MESSAGES (self), FALSE);
  g_return_val_if_fail (stanza != NULL, FALSE);

  /* A carbon or an archive result is a message only once its module has
   * checked who sent it (SECURITY rows 1, 8): never read the wrapper. */
  if (xmpp_message_stanza_is_wrapper (stanza))
    return FALSE;

  message = xmpp_message_parse (stanza, self->language, &error);
  if (message == NULL)
    {
      g_debug ("messages: dropping a message: %s", error->message);
      return FALSE;
    }

  xmpp_messages_deliver (self, message);
  return FALSE;
}

static gboolean
messages_message_cb (XmppClient *client,
                     XmppNode   *stanza,
                     gpointer    user_data)
{
  return xmpp_messages_handle_message (XMPP_MESSAGES (user_data), stanza);
}

static void
xmpp_messages_constructed (GObject *object)
{
  XmppMessages *self = XMPP_MESSAGES (object);

  G_OBJECT_CLASS (xmpp_messages_parent_class)->constructed (object);

  g_assert (XMPP_IS_CLIENT (self->client));

  for (guint i = 0; i < G_N_ELEMENTS (own_features); i++)
    xmpp_client_add_feature (self->client, own_features[i]);
  self->handler_id = xmpp_client_add_handler (self->client, "message", NULL, NULL,
                                              messages_message_cb, self, NULL);
}

static void
xmpp_messages_dispose (GObject *object)
{
  XmppMessages *self = XMPP_MESSAGES (object);

  if (self->client != NULL && self->handler_id != 0)
    xmpp_client_remove_handler (self->client, self->handler_id);
  self->handler_id = 0;
  g_clear_object (&self->client);
  g_clear_object (&self->disco);

  G_OBJECT_CLASS (xmpp_messages_parent_class)->dispose (object);
}

static void
xmpp_messages_finalize (GObject *object)
{
  XmppMessages *self = XMPP_MESSAGES (object);

  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (xmpp_messages_parent_class)->finalize (object);
}

static void
xmpp_messages_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XmppMessages *self = XMPP_MESSAGES (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_DISCO:
      g_value_set_object (value, self->disco);
      break;

    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_messages_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  XmppMessages *self = XMPP_MESSAGES (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_DISCO:
      self->disco = g_value_dup_object (value);
      break;

    case PROP_LANGUAGE:
      xmpp_messages_set_language (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_messages_class_init (XmppMessagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_messages_constructed;
  object_class->dispose = xmpp_messages_dispose;
  object_class->finalize = xmpp_messages_finalize;
  object_class->get_property = xmpp_messages_get_property;
  object_class->set_property = xmpp_messages_set_property;

  /**
   * XmppMessages:client:
   *
   * The client whose messages these are.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         XMPP_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppMessages:disco:
   *
   * The client's disco module, which tells whether the account's server
   * stamps trustworthy stanza-ids; %NULL if there is none, and then no
   * stanza-id is trusted.
   */
  properties[PROP_DISCO] =
    g_param_spec_object ("disco", NULL, NULL,
                         XMPP_TYPE_DISCO,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppMessages:language:
   *
   * The preferred language of bodies (BCP 47), or %NULL.
   */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppMessages::message:
   * @self: the module
   * @message: the message, parsed
   *
   * A message reached the account, live or as a carbon (see
   * xmpp_message_get_provenance()).  Its path's sender check has passed;
   * what its payloads claim (receipts, markers, corrections, stanza-ids)
   * is still to be checked against the stored conversation.
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_MESSAGE);
}

static void
xmpp_messages_init (XmppMessages *self)
{
}

/**
 * xmpp_messages_new:
 * @client: the client to attach to
 * @disco: (nullable): the client's disco module, for
 *   xmpp_messages_get_trusted_stanza_id()
 *
 * Creates the message module of @client and registers its handler and
 * disco features at once.
 *
 * Returns: (transfer full): a new #XmppMessages
 */
XmppMessages *
xmpp_messages_new (XmppClient *client,
                   XmppDisco  *disco)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (disco == NULL || XMPP_IS_DISCO (disco), NULL);

  return g_object_new (XMPP_TYPE_MESSAGES, "client", client, "disco", disco, NULL);
}

/**
 * xmpp_messages_get_client:
 * @self: a message module
 *
 * Returns: (transfer none) (nullable): the client, or %NULL once @self is
 *   disposed
 */
XmppClient *
xmpp_messages_get_client (XmppMessages *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGES (self), NULL);

  return self->client;
}

/**
 * xmpp_messages_get_disco:
 * @self: a message module
 *
 * Returns: (transfer none) (nullable): the disco module given at creation
 */
XmppDisco *
xmpp_messages_get_disco (XmppMessages *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGES (self), NULL);

  return self->disco;
}

/**
 * xmpp_messages_get_language:
 * @self: a message module
 *
 * Returns: (nullable): the preferred language of bodies
 */
const char *
xmpp_messages_get_language (XmppMessages *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGES (self), NULL);

  return self->language;
}

/**
 * xmpp_messages_set_language:
 * @self: a message module
 * @language: (nullable): a BCP 47 language tag, or %NULL
 *
 * Sets the language in which bodies are preferred, for messages with
 * several (RFC 6121 §5.2.3); carbons and archive results use it too.
 */
void
xmpp_messages_set_language (XmppMessages *self,
                            const char   *language)
{
  g_return_if_fail (XMPP_IS_MESSAGES (self));

  if (language != NULL && language[0] == '\0')
    language = NULL;
  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

/**
 * xmpp_messages_get_trusted_stanza_id:
 * @self: a message module
 * @message: a message from ::message or from an archive page
 *
 * The server-assigned id of @message in the account's archive, if it can
 * be believed (XEP-0359 §Security, SECURITY row 10): the stanza-id whose
 * `by` is the account's bare JID, and only when the account advertises
 * `urn:xmpp:sid:0` in disco, because then its server replaces any such
 * stanza-id a sender made up.  Anyone can write a stanza-id; only a
 * trusted one may be used to deduplicate (SECURITY I2) or to resume an
 * archive catch-up, and the latter also needs the account to advertise
 * `urn:xmpp:mam:2` (XEP-0313 §2.4).  Until disco has the account's
 * features (#XmppDisco::account-info-ready), nothing is trusted.
 *
 * For an archive result the answer is its archive id
 * (xmpp_message_get_archive_id()), which is the stanza-id in the archive
 * it came from, already checked by #XmppMam to come from that archive:
 * the own account's, or a room's (see xmpp_message_get_archive()).
 *
 * A room's stanza-ids on live groupchat messages are not covered here:
 * look them up with xmpp_message_get_stanza_id() and the room's bare JID,
 * and believe them if the room advertises `urn:xmpp:sid:0`.
 *
 * Returns: (nullable): the trusted stanza-id, or %NULL
 */
const char *
xmpp_messages_get_trusted_stanza_id (XmppMessages *self,
                                     XmppMessage  *message)
{
  g_autoptr(XmppJid) own = NULL;

  g_return_val_if_fail (XMPP_IS_MESSAGES (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  if (message->provenance == XMPP_MESSAGE_PROVENANCE_ARCHIVE)
    return message->archive_id;

  if (self->client == NULL || self->disco == NULL ||
      !xmpp_disco_account_has_feature (self->disco, XMPP_NS_STANZA_ID))
    return NULL;

  own = xmpp_jid_dup_bare (xmpp_client_get_jid (self->client));
  return xmpp_message_get_stanza_id (message, own);
}
