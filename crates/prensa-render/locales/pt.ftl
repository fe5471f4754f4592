# Portuguese (Brazilian spelling). Mirrors en.ftl message for message (see
# the comments there for what each one is and which arguments it takes).

## The language itself

-language-name = Português
-language-direction = ltr

## Front page and section pages

most_recent = Mais recentes
more_from_section = Mais de { $section }
latest = Últimas
read_more = Ler mais
sections = Seções
menu = Menu
follow_us = Siga-nos
skip_to_content = Ir para o conteúdo
back_to_front_page = Voltar à página inicial

## Bylines and lists of names: "By A, B and C"

by = Por
and = e
list_separator = { ", " }
list_last_separator = { " e " }

## Article metadata

published = Publicado
updated = Atualizado
tags = Etiquetas
photo = Foto
min_read = min de leitura
reading_time = { NUMBER($n) ->
    [one] { NUMBER($n) } minuto de leitura
   *[other] { NUMBER($n) } minutos de leitura
}

## Archive pages

articles_by = Artigos de { $name }
articles_tagged = Artigos com a etiqueta { $tag }

## Search

search = Pesquisar
search_label = Pesquisar neste site
search_results = { NUMBER($n) ->
    [one] { NUMBER($n) } resultado para “{ $query }”
   *[other] { NUMBER($n) } resultados para “{ $query }”
}
search_no_results = Nenhum resultado para “{ $query }”. Tente com menos palavras ou com outras.
search_hint = Todas as palavras precisam aparecer; coloque uma expressão entre aspas.
search_building = O índice de busca ainda está sendo construído; tente de novo em um minuto.
sort_by = Ordenar por
sort_relevance = Mais relevantes
sort_newest = Mais recentes

## Pagination

next_page = Próxima página
previous_page = Página anterior
page_n_of_total = Página { NUMBER($n) } de { NUMBER($total) }
pagination = Paginação

## Sharing

share = Compartilhar
share_on_facebook = Compartilhar no Facebook
share_on_x = Compartilhar no X
share_on_mastodon = Compartilhar no Mastodon
share_by_email = Compartilhar por e-mail
copy_link = Copiar link
link_copied = Link copiado

## Article body (written by the Markdown renderer)

contents = Sumário
footnotes = Notas
link_to_section = Link para esta seção
back_to_reference = Voltar à referência { $n }

## Errors

not_found = Página não encontrada
not_found_message = A página que você procura não existe.

## Kickers above the h1 of list pages

section = Seção
author = Autor
tag = Etiqueta

## The share page for Mastodon

mastodon_instance = Seu servidor Mastodon
mastodon_instance_hint = Por exemplo, mastodon.social
mastodon_share_title = Compartilhar no Mastodon
mastodon_share_submit = Continuar para o seu servidor
mastodon_instance_invalid = Isso não parece ser o nome de um servidor.
mastodon_confirm = Compartilhar isto em { $instance }:
mastodon_continue = Continuar para { $instance }
mastodon_other_instance = Usar outro servidor

## The network of sister publications

also_in = Também em
from_sister_sites = Dos nossos sites irmãos
also_writes_for = Também escreve para
translated_from = Traduzido do original ({ $language })

## Feeds (RSS, Atom, JSON Feed)

feed_rss = Feed RSS: { $title }
feed_atom = Feed Atom: { $title }
feed_json = JSON Feed: { $title }
