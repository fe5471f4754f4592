# Italian. Mirrors en.ftl message for message (see the comments there for
# what each one is and which arguments it takes).

## The language itself

-language-name = Italiano
-language-direction = ltr

## Front page and section pages

most_recent = Ultimi articoli
more_from_section = Altro da { $section }
latest = Ultime notizie
read_more = Continua a leggere
sections = Sezioni
menu = Menu
follow_us = Seguici
skip_to_content = Vai al contenuto
back_to_front_page = Torna alla prima pagina

## Bylines and lists of names: "By A, B and C"

by = Di
and = e
list_separator = { ", " }
list_last_separator = { " e " }

## Article metadata

published = Pubblicato
updated = Aggiornato
tags = Tag
photo = Foto
min_read = min di lettura
reading_time = { NUMBER($n) ->
    [one] { NUMBER($n) } minuto di lettura
   *[other] { NUMBER($n) } minuti di lettura
}

## Archive pages

articles_by = Articoli di { $name }
articles_tagged = Articoli con il tag { $tag }

## Search

search = Cerca
search_label = Cerca in questo sito
search_results = { NUMBER($n) ->
    [one] { NUMBER($n) } risultato per «{ $query }»
   *[other] { NUMBER($n) } risultati per «{ $query }»
}
search_no_results = Nessun risultato per «{ $query }». Prova con meno parole o con parole diverse.
search_hint = Devono comparire tutte le parole; metti una frase tra virgolette.
search_building = L’indice di ricerca è ancora in costruzione; riprova tra un minuto.
sort_by = Ordina per
sort_relevance = Più pertinenti
sort_newest = Più recenti

## Pagination

next_page = Pagina successiva
previous_page = Pagina precedente
page_n_of_total = Pagina { NUMBER($n) } di { NUMBER($total) }
pagination = Paginazione

## Sharing

share = Condividi
share_on_facebook = Condividi su Facebook
share_on_x = Condividi su X
share_on_mastodon = Condividi su Mastodon
share_by_email = Condividi via e-mail
copy_link = Copia link
link_copied = Link copiato

## Article body (written by the Markdown renderer)

contents = Indice
footnotes = Note
link_to_section = Link a questa sezione
back_to_reference = Torna al rimando { $n }

## Errors

not_found = Pagina non trovata
not_found_message = La pagina che cercavi non esiste.

## Kickers above the h1 of list pages

section = Sezione
author = Autore
tag = Tag

## The share page for Mastodon

mastodon_instance = Il tuo server Mastodon
mastodon_instance_hint = Per esempio mastodon.social
mastodon_share_title = Condividi su Mastodon
mastodon_share_submit = Continua sul tuo server
mastodon_instance_invalid = Non sembra il nome di un server.
mastodon_confirm = Condividi su { $instance }:
mastodon_continue = Continua su { $instance }
mastodon_other_instance = Usa un altro server

## The network of sister publications

also_in = Anche in
from_sister_sites = Dai nostri siti gemelli
also_writes_for = Scrive anche per
translated_from = Tradotto dall’originale ({ $language })

## Feeds (RSS, Atom, JSON Feed)

feed_rss = Feed RSS: { $title }
feed_atom = Feed Atom: { $title }
feed_json = JSON Feed: { $title }
