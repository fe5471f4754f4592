# German. Mirrors en.ftl message for message (see the comments there for
# what each one is and which arguments it takes).

## The language itself

-language-name = Deutsch
-language-direction = ltr

## Front page and section pages

most_recent = Neueste Artikel
more_from_section = Mehr aus { $section }
latest = Aktuell
read_more = Weiterlesen
sections = Ressorts
menu = Menü
follow_us = Folgen Sie uns
skip_to_content = Zum Inhalt springen
back_to_front_page = Zurück zur Startseite

## Bylines and lists of names: "By A, B and C"

by = Von
and = und
list_separator = { ", " }
list_last_separator = { " und " }

## Article metadata

published = Veröffentlicht
updated = Aktualisiert
tags = Schlagwörter
photo = Foto
min_read = Min. Lesezeit
reading_time = { NUMBER($n) ->
    [one] { NUMBER($n) } Minute Lesezeit
   *[other] { NUMBER($n) } Minuten Lesezeit
}

## Archive pages

articles_by = Artikel von { $name }
articles_tagged = Artikel zum Schlagwort { $tag }

## Search

search = Suche
search_label = Diese Website durchsuchen
search_results = { NUMBER($n) ->
    [one] { NUMBER($n) } Ergebnis für „{ $query }“
   *[other] { NUMBER($n) } Ergebnisse für „{ $query }“
}
search_no_results = Keine Treffer für „{ $query }“. Versuchen Sie es mit weniger oder anderen Wörtern.
search_hint = Jedes Wort muss vorkommen; setzen Sie eine Wortgruppe in Anführungszeichen.
search_building = Der Suchindex wird noch aufgebaut; versuchen Sie es in einer Minute erneut.
sort_by = Sortieren nach
sort_relevance = Beste Treffer
sort_newest = Neueste

## Pagination

next_page = Nächste Seite
previous_page = Vorherige Seite
page_n_of_total = Seite { NUMBER($n) } von { NUMBER($total) }
pagination = Seitennavigation

## Sharing

share = Teilen
share_on_facebook = Auf Facebook teilen
share_on_x = Auf X teilen
share_on_mastodon = Auf Mastodon teilen
share_by_email = Per E-Mail teilen
copy_link = Link kopieren
link_copied = Link kopiert

## Article body (written by the Markdown renderer)

contents = Inhalt
footnotes = Fußnoten
link_to_section = Link zu diesem Abschnitt
back_to_reference = Zurück zum Verweis { $n }

## Errors

not_found = Seite nicht gefunden
not_found_message = Die gesuchte Seite gibt es nicht.

## Kickers above the h1 of list pages

section = Ressort
author = Autor
tag = Schlagwort

## The share page for Mastodon

mastodon_instance = Ihr Mastodon-Server
mastodon_instance_hint = Zum Beispiel mastodon.social
mastodon_share_title = Auf Mastodon teilen
mastodon_share_submit = Weiter zu Ihrem Server
mastodon_instance_invalid = Das sieht nicht nach dem Namen eines Servers aus.
mastodon_confirm = Auf { $instance } teilen:
mastodon_continue = Weiter zu { $instance }
mastodon_other_instance = Anderen Server verwenden

## The network of sister publications

also_in = Auch auf
from_sister_sites = Von unseren Schwesterseiten
also_writes_for = Schreibt auch für
translated_from = Aus dem Original übersetzt ({ $language })

## Feeds (RSS, Atom, JSON Feed)

feed_rss = RSS-Feed: { $title }
feed_atom = Atom-Feed: { $title }
feed_json = JSON-Feed: { $title }
