package dev.gossamer.sidecar;

/**
 * {@code GET /}: a small self-contained page that polls {@code /admin/clusters} and {@code /admin/config} and
 * shows them live. No external assets, so it works in an air-gapped cluster.
 */
final class Dashboard {

    private Dashboard() {}

    static String html() {
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Gossamer</title>
            <style>
             body{font:14px system-ui,sans-serif;margin:2em;color:#222}
             table{border-collapse:collapse;margin-bottom:1.5em}
             td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
             th{background:#f4f4f4} td:first-child,th:first-child{text-align:left}
             .down{color:#b00} .ok{color:#080} code{background:#f4f4f4;padding:1px 4px}
            </style></head>
            <body><h1>Gossamer sidecar</h1>
            <p id="cfg">loading…</p><div id="clusters"></div>
            <p><a href="/metrics">/metrics</a> · <a href="/admin/clusters">/admin/clusters</a> ·
               <a href="/admin/config">/admin/config</a></p>
            <script>
            function esc(s){return String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
            async function tick(){
              try{
                const c=await (await fetch('/admin/config')).json();
                document.getElementById('cfg').innerHTML='mesh config version <code>'+c.version+'</code> from <code>'
                  +esc(c.source)+'</code>'+(c.last_error?' — <span class="down">last change rejected: '
                  +esc(c.last_error.problems.join('; '))+'</span>':'');
                const d=await (await fetch('/admin/clusters')).json();
                let h='';
                for(const cl of d.clusters){
                  h+='<h2>'+esc(cl.name)+' <small>('+esc(cl.policy)+', '+cl.active_requests+' active)</small></h2>'
                    +'<table><tr><th>endpoint</th><th>weight</th><th>state</th><th>active</th><th>requests</th>'
                    +'<th>connect failures</th><th>5xx</th><th>mean ms</th></tr>';
                  for(const e of cl.endpoints){
                    const st=e.down?'<span class="down">down</span>':(e.eligible?'<span class="ok">up</span>':'<span class="down">excluded</span>');
                    h+='<tr><td>'+esc(e.address)+'</td><td>'+e.weight+'</td><td>'+st+'</td><td>'+e.active_requests
                      +'</td><td>'+e.requests+'</td><td>'+e.connect_failures+'</td><td>'+e.http_5xx+'</td><td>'
                      +e.mean_latency_ms.toFixed(2)+'</td></tr>';
                  }
                  h+='</table>';
                }
                document.getElementById('clusters').innerHTML=h;
              }catch(e){document.getElementById('cfg').textContent='admin API unreachable: '+e;}
            }
            tick(); setInterval(tick,1000);
            </script></body></html>
            """;
    }
}
