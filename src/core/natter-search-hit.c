/* natter-search-hit.c: one message found by a search, with its conversation
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-search-hit.h"

/**
 * NatterSearchHit:
 *
 * An item of natter_conversation_list_search_finish()'s model: a message
 * whose text matched, and the conversation it belongs to, so a view can
 * show where it was said and open it.
 */
struct _NatterSearchHit
{
  GObject             parent_instance;

  NatterConversation *conversation;
  NatterMessage      *message;
};

G_DEFINE_FINAL_TYPE (NatterSearchHit, natter_search_hit, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONVERSATION,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_search_hit_dispose (GObject *object)
{
  NatterSearchHit *self = NATTER_SEARCH_HIT (object);

  g_clear_object (&self->conversation);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (natter_search_hit_parent_class)->dispose (object);
}

static void
natter_search_hit_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NatterSearchHit *self = NATTER_SEARCH_HIT (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_search_hit_class_init (NatterSearchHitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = natter_search_hit_dispose;
  object_class->get_property = natter_search_hit_get_property;

  /**
   * NatterSearchHit:conversation:
   *
   * The conversation the message belongs to.
   */
  properties[PROP_CONVERSATION] = g_param_spec_object ("conversation", NULL, NULL,
                                                       NATTER_TYPE_CONVERSATION, flags);
  /**
   * NatterSearchHit:message:
   *
   * The message that matched.
   */
  properties[PROP_MESSAGE] = g_param_spec_object ("message", NULL, NULL,
                                                  NATTER_TYPE_MESSAGE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_search_hit_init (NatterSearchHit *self)
{
}

/**
 * natter_search_hit_new:
 * @conversation: where the message was said
 * @message: the message that matched
 *
 * Returns: (transfer full): a hit
 */
NatterSearchHit *
natter_search_hit_new (NatterConversation *conversation,
                       NatterMessage      *message)
{
  NatterSearchHit *self;

  g_return_val_if_fail (NATTER_IS_CONVERSATION (conversation), NULL);
  g_return_val_if_fail (NATTER_IS_MESSAGE (message), NULL);

  self = g_object_new (NATTER_TYPE_SEARCH_HIT, NULL);
  self->conversation = g_object_ref (conversation);
  self->message = g_object_ref (message);
  return self;
}

/**
 * natter_search_hit_get_conversation:
 * @self: a hit
 *
 * Returns: (transfer none): where the message was said
 */
NatterConversation *
natter_search_hit_get_conversation (NatterSearchHit *self)
{
  g_return_val_if_fail (NATTER_IS_SEARCH_HIT (self), NULL);
  return self->conversation;
}

/**
 * natter_search_hit_get_message:
 * @self: a hit
 *
 * Returns: (transfer none): the message that matched
 */
NatterMessage *
natter_search_hit_get_message (NatterSearchHit *self)
{
  g_return_val_if_fail (NATTER_IS_SEARCH_HIT (self), NULL);
  return self->message;
}
