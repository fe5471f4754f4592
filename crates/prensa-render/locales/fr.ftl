# French. Mirrors en.ftl message for message (see the comments there for
# what each one is and which arguments it takes). Spaces before « : ; » and
# inside guillemets are no-break spaces.

## The language itself

-language-name = Français
-language-direction = ltr

## Front page and section pages

most_recent = Derniers articles
more_from_section = Plus d’articles de la rubrique { $section }
latest = Dernières nouvelles
read_more = Lire la suite
sections = Rubriques
menu = Menu
follow_us = Suivez-nous
skip_to_content = Aller au contenu
back_to_front_page = Retour à la page d’accueil

## Bylines and lists of names: "By A, B and C"

by = Par
and = et
list_separator = { ", " }
list_last_separator = { " et " }

## Article metadata

published = Publié
updated = Mis à jour
tags = Mots-clés
photo = Photo
min_read = min de lecture
reading_time = { NUMBER($n) ->
    [one] { NUMBER($n) } minute de lecture
   *[other] { NUMBER($n) } minutes de lecture
}

## Archive pages

articles_by = Articles de { $name }
articles_tagged = Articles avec le mot-clé { $tag }

## Search

search = Rechercher
search_label = Rechercher sur ce site
search_results = { NUMBER($n) ->
    [one] { NUMBER($n) } résultat pour « { $query } »
   *[other] { NUMBER($n) } résultats pour « { $query } »
}
search_no_results = Aucun résultat pour « { $query } ». Essayez avec moins de mots ou avec d’autres.
search_hint = Tous les mots doivent figurer ; mettez une expression entre guillemets.
search_building = L’index de recherche est encore en construction ; réessayez dans une minute.
sort_by = Trier par
sort_relevance = Pertinence
sort_newest = Plus récents

## Pagination

next_page = Page suivante
previous_page = Page précédente
page_n_of_total = Page { NUMBER($n) } sur { NUMBER($total) }
pagination = Pagination

## Sharing

share = Partager
share_on_facebook = Partager sur Facebook
share_on_x = Partager sur X
share_on_mastodon = Partager sur Mastodon
share_by_email = Partager par e-mail
copy_link = Copier le lien
link_copied = Lien copié

## Article body (written by the Markdown renderer)

contents = Sommaire
footnotes = Notes
link_to_section = Lien vers cette section
back_to_reference = Retour à l’appel de note { $n }

## Errors

not_found = Page introuvable
not_found_message = La page que vous cherchez n’existe pas.

## Kickers above the h1 of list pages

section = Rubrique
author = Auteur
tag = Mot-clé

## The share page for Mastodon

mastodon_instance = Votre serveur Mastodon
mastodon_instance_hint = Par exemple mastodon.social
mastodon_share_title = Partager sur Mastodon
mastodon_share_submit = Continuer vers votre serveur
mastodon_instance_invalid = Cela ne ressemble pas à un nom de serveur.
mastodon_confirm = Partager ceci sur { $instance } :
mastodon_continue = Continuer vers { $instance }
mastodon_other_instance = Utiliser un autre serveur

## The network of sister publications

also_in = Aussi en
from_sister_sites = Sur nos sites partenaires
also_writes_for = Écrit aussi pour
translated_from = Traduit de l’original ({ $language })

## Feeds (RSS, Atom, JSON Feed)

feed_rss = Flux RSS : { $title }
feed_atom = Flux Atom : { $title }
feed_json = Flux JSON : { $title }
