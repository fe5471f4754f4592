# English: the reference locale. Every other file in this folder defines
# exactly the messages and terms defined here (a test enforces it); a message
# missing at run time falls back to English, then to its id.
#
# Arguments are written { $name } and filled by `Locale::t_with`, which passes
# every argument as text: wrap a count in NUMBER() to have it printed with the
# language's digit grouping (1,234) and to select a plural variant with it.
# Leading and trailing spaces of a value are dropped by Fluent; quote them
# ({ ", " }) where they matter.

## The language itself

# The language's name, written in the language (shown in "Also in: …").
-language-name = English
# Writing direction: ltr or rtl.
-language-direction = ltr

## Front page and section pages

most_recent = Most recent
more_from_section = More from { $section }
latest = Latest
read_more = Read more
sections = Sections
menu = Menu
follow_us = Follow us
skip_to_content = Skip to content
back_to_front_page = Back to the front page

## Bylines and lists of names: "By A, B and C"

by = By
and = and
list_separator = { ", " }
list_last_separator = { " and " }

## Article metadata

published = Published
updated = Updated
tags = Tags
photo = Photo
min_read = min read
# $n: minutes, a whole number ("min" does not change in English; languages
# that spell the word out choose its plural form).
reading_time = { NUMBER($n) } min read

## Archive pages

articles_by = Articles by { $name }
articles_tagged = Articles tagged { $tag }

## Search

search = Search
search_label = Search this site
# $n: how many articles matched (1 or more); $query: the words as typed.
search_results = { NUMBER($n) ->
    [one] { NUMBER($n) } result for “{ $query }”
   *[other] { NUMBER($n) } results for “{ $query }”
}
search_no_results = Nothing matched “{ $query }”. Try fewer or different words.
search_hint = Every word must appear; put a phrase in quotes.
search_building = The search index is still being built; try again in a minute.
sort_by = Sort by
sort_relevance = Best match
sort_newest = Newest

## Pagination

next_page = Next page
previous_page = Previous page
page_n_of_total = Page { NUMBER($n) } of { NUMBER($total) }
# Label of the pager navigation on paginated lists.
pagination = Pagination

## Sharing

share = Share
share_on_facebook = Share on Facebook
share_on_x = Share on X
share_on_mastodon = Share on Mastodon
share_by_email = Share by email
copy_link = Copy link
link_copied = Link copied

## Article body (written by the Markdown renderer)

contents = Contents
footnotes = Footnotes
link_to_section = Link to this section
# $n: the footnote's number, e.g. "3", or "3 (2)" for its second reference.
back_to_reference = Back to reference { $n }

## Errors

not_found = Not found
not_found_message = The page you were looking for does not exist.

## Kickers above the h1 of list pages

section = Section
author = Author
tag = Tag

## The share page for Mastodon

mastodon_instance = Your Mastodon server
mastodon_instance_hint = For example mastodon.social
mastodon_share_title = Share on Mastodon
mastodon_share_submit = Continue to your server
mastodon_instance_invalid = That does not look like the name of a server.
# $instance: a host name such as mastodon.social.
mastodon_confirm = Share this on { $instance }:
mastodon_continue = Continue to { $instance }
mastodon_other_instance = Use another server

## The network of sister publications

# Before the list of this article's translations, each named in its language.
also_in = Also in
# Heading of the block of latest articles from the other publications.
from_sister_sites = From our sister sites
# On an author's page, before the other publications they write for.
also_writes_for = Also writes for
# $language: the original's language, named in that language (e.g. "English").
translated_from = Translated from { $language }

## Feeds (RSS, Atom, JSON Feed)

# The title of a page's feed link in each format, read by feed readers and
# browsers that list a page's feeds. $title: the page's title (e.g.
# "Labor — The Meridian").
feed_rss = RSS feed: { $title }
feed_atom = Atom feed: { $title }
feed_json = JSON Feed: { $title }
