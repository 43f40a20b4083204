<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttentionModel</name>
    <message>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>考生</translation>
    </message>
    <message>
        <source>What is wrong</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>For</source>
        <translation>持续</translation>
    </message>
    <message>
        <source>Do this</source>
        <translation>处理办法</translation>
    </message>
    <message>
        <source>a question</source>
        <translation>有疑问</translation>
    </message>
    <message>
        <source>device problem</source>
        <translation>设备问题</translation>
    </message>
    <message>
        <source>paper problem</source>
        <translation>试卷问题</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>: server HAS the paper</source>
        <translation>：服务器已收到试卷</translation>
    </message>
    <message>
        <source>: server has NO paper</source>
        <translation>：服务器未收到试卷</translation>
    </message>
    <message>
        <source>: heartbeats irregular</source>
        <translation>：心跳不稳定</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>To whom</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Paper reopened</source>
        <translation>试卷已重新开放</translation>
    </message>
    <message>
        <source>Lock count reset</source>
        <translation>锁定次数已清零</translation>
    </message>
    <message>
        <source>Time extended</source>
        <translation>已延长时间</translation>
    </message>
    <message>
        <source>Message to the phone</source>
        <translation>发送给手机的消息</translation>
    </message>
    <message>
        <source>Help acknowledged</source>
        <translation>已响应求助</translation>
    </message>
    <message>
        <source>Paper submitted by a proctor</source>
        <translation>监考老师代为交卷</translation>
    </message>
    <message>
        <source>Escalation raised</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Escalation claimed</source>
        <translation>上报已受理</translation>
    </message>
    <message>
        <source>Escalation comment</source>
        <translation>上报备注</translation>
    </message>
    <message>
        <source>Escalation resolved</source>
        <translation>上报已解决</translation>
    </message>
    <message>
        <source>Account added</source>
        <translation>已添加账号</translation>
    </message>
    <message>
        <source>Hall added</source>
        <translation>已添加考场</translation>
    </message>
    <message>
        <source>Session added</source>
        <translation>已添加考试场次</translation>
    </message>
    <message>
        <source>Session closed</source>
        <translation>考试场次已关闭</translation>
    </message>
    <message>
        <source>Roster imported</source>
        <translation>已导入名单</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>proctor</source>
        <translation>监考老师</translation>
    </message>
    <message>
        <source>support</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>考务负责人</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>the service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>receipt</source>
        <translation>回执</translation>
    </message>
    <message>
        <source>cause</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>lock count</source>
        <translation>锁定次数</translation>
    </message>
    <message>
        <source>lock count before</source>
        <translation>此前锁定次数</translation>
    </message>
    <message>
        <source>mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Filter: who, candidate, reason…</source>
        <translation>筛选：人员、考生、原因…</translation>
    </message>
    <message>
        <source>This session only</source>
        <translation>仅本场次</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Every action</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>%1 of %2 entries</source>
        <translation>%1 / %2 条</translation>
    </message>
</context>
<context>
    <name>Battery</name>
    <message>
        <source>Battery: not reported</source>
        <translation>电量：未上报</translation>
    </message>
    <message>
        <source>Battery %1 %, charging</source>
        <translation>电量 %1 %，充电中</translation>
    </message>
    <message>
        <source>Battery %1 % (drain not measured yet: needs a minute of heartbeats)</source>
        <translation>电量 %1 %（耗电速度尚未测出：需要约一分钟的心跳）</translation>
    </message>
    <message>
        <source>Battery %1 %, −%2 %/min, empty ~%3</source>
        <translation>电量 %1 %，每分钟 −%2 %，约 %3 耗尽</translation>
    </message>
    <message>
        <source>before the end (%1)</source>
        <translation>早于考试结束（%1）</translation>
    </message>
</context>
<context>
    <name>CandidateDetail</name>
    <message>
        <source>Joined</source>
        <translation>已进入</translation>
    </message>
    <message>
        <source>Resumed (re-entered the code)</source>
        <translation>重新进入（再次输入考试码）</translation>
    </message>
    <message>
        <source>Joined from another device</source>
        <translation>从另一台设备进入</translation>
    </message>
    <message>
        <source>Info registered</source>
        <translation>已登记信息</translation>
    </message>
    <message>
        <source>Started answering</source>
        <translation>开始答题</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Unlock issued</source>
        <translation>已发出解锁</translation>
    </message>
    <message>
        <source>Unlocked</source>
        <translation>已解锁</translation>
    </message>
    <message>
        <source>Phone submitting</source>
        <translation>手机正在交卷</translation>
    </message>
    <message>
        <source>Paper received by the server</source>
        <translation>服务器已收到试卷</translation>
    </message>
    <message>
        <source>Auto-submitted</source>
        <translation>已自动交卷</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Escalation claimed</source>
        <translation>客服已受理</translation>
    </message>
    <message>
        <source>Escalation comment</source>
        <translation>客服备注</translation>
    </message>
    <message>
        <source>Escalation resolved</source>
        <translation>客服已解决</translation>
    </message>
    <message>
        <source>Paper reopened</source>
        <translation>试卷已重新开放</translation>
    </message>
    <message>
        <source>Locks reset</source>
        <translation>锁定次数已清零</translation>
    </message>
    <message>
        <source>Time extended</source>
        <translation>已延长时间</translation>
    </message>
    <message>
        <source>Message sent</source>
        <translation>消息已发送</translation>
    </message>
    <message>
        <source>Message delivered</source>
        <translation>消息已送达</translation>
    </message>
    <message>
        <source>Asked for help</source>
        <translation>请求帮助</translation>
    </message>
    <message>
        <source>Help on the way</source>
        <translation>监考老师正在前往</translation>
    </message>
    <message>
        <source>Submitted by a proctor</source>
        <translation>监考老师代为交卷</translation>
    </message>
    <message>
        <source>The server HAS this paper: receipt %1, received at %2.</source>
        <translation>服务器已收到这份试卷：回执 %1，收到时间 %2。</translation>
    </message>
    <message>
        <source>The phone is still spinning. Tell the candidate: your paper is in, you may close the app; nothing is lost.</source>
        <translation>手机仍在转圈。请告诉考生：试卷已交上，可以关闭应用，不会丢失。</translation>
    </message>
    <message>
        <source>The server has NOT received this paper (the phone has been submitting for %1 s). Tell the candidate: wait a little; if it keeps spinning, close the app, re-enter the exam code and submit again. If the entry is gone or it still fails, escalate (E).</source>
        <translation>服务器尚未收到这份试卷（手机已提交 %1 秒）。请告诉考生：稍等片刻；如果一直转圈，关闭应用，重新输入考试码后再次交卷。如果入口消失或仍然失败，请上报客服 (E)。</translation>
    </message>
    <message>
        <source>The paper was auto-submitted (%1).</source>
        <translation>试卷已自动提交（%1）。</translation>
    </message>
    <message>
        <source>Unlock (U)</source>
        <translation>解锁 (U)</translation>
    </message>
    <message>
        <source>Issue code (C)</source>
        <translation>生成解锁码 (C)</translation>
    </message>
    <message>
        <source>Acknowledge help (A)</source>
        <translation>响应求助 (A)</translation>
    </message>
    <message>
        <source>Escalate (E)</source>
        <translation>上报 (E)</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Everything that happened, in order:</source>
        <translation>全部经过（按时间顺序）：</translation>
    </message>
    <message>
        <source>No candidate selected</source>
        <translation>未选择考生</translation>
    </message>
    <message>
        <source>Seat %1 · %2 %3</source>
        <translation>座位 %1 · %2 %3</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>自 %1 起</translation>
    </message>
    <message>
        <source>locks %1/%2</source>
        <translation>锁定 %1/%2</translation>
    </message>
    <message>
        <source>Device: %1 %2, app %3, screen %4, battery %5, network %6, devices used %7, resumes %8</source>
        <translation>设备：%1 %2，应用 %3，屏幕 %4，电量 %5，网络 %6，使用设备数 %7，重新进入 %8 次</translation>
    </message>
    <message>
        <source>offline code</source>
        <translation>离线解锁码</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>%1 events</source>
        <translation>共 %1 条记录</translation>
    </message>
</context>
<context>
    <name>CandidateTableModel</name>
    <message>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>Candidate no.</source>
        <translation>准考证号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>需处理</translation>
    </message>
    <message>
        <source>Locks</source>
        <translation>锁定次数</translation>
    </message>
    <message>
        <source>Battery</source>
        <translation>电量</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Submission</source>
        <translation>交卷情况</translation>
    </message>
    <message>
        <source>Server has it ✓ %1</source>
        <extracomment>Colours by severity; never alone: every cell with a colour also says it in text.</extracomment>
        <translation>服务器已收到 ✓ %1</translation>
    </message>
    <message>
        <source> (phone still spinning)</source>
        <translation>（手机仍在转圈）</translation>
    </message>
    <message>
        <source>Sending since %1, NOT on server</source>
        <translation>自 %1 起提交中，服务器未收到</translation>
    </message>
    <message>
        <source>Stale: not live data</source>
        <translation>过时：不是实时数据</translation>
    </message>
    <message>
        <source> (stale)</source>
        <translation>（过时）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>%1前</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong in the console. It keeps running; the details are in the log file.</source>
        <translation>控制台出现错误，但仍在运行；详情见日志文件。</translation>
    </message>
</context>
<context>
    <name>ConsoleFlow</name>
    <message>
        <source>Signed in as %1 at %2</source>
        <translation>已登录：%1，服务器 %2</translation>
    </message>
</context>
<context>
    <name>EscalateDialog</name>
    <message>
        <source>No paper shown</source>
        <translation>未显示试卷</translation>
    </message>
    <message>
        <source>Wrong paper / not my specialty</source>
        <translation>试卷错误 / 非本专业</translation>
    </message>
    <message>
        <source>Shows submitted, but the candidate did not submit</source>
        <translation>显示已交卷，但考生未交卷</translation>
    </message>
    <message>
        <source>Stuck submission, re-entry did not help</source>
        <translation>交卷卡住，重新进入无效</translation>
    </message>
    <message>
        <source>Device failure</source>
        <translation>设备故障</translation>
    </message>
    <message>
        <source>Login problem</source>
        <translation>登录问题</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Escalate to support</source>
        <translation>上报客服</translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation>类别(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
</context>
<context>
    <name>EscalationModel</name>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>考生</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>座位</translation>
    </message>
    <message>
        <source>Hall</source>
        <translation>考场</translation>
    </message>
    <message>
        <source>Raised by</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>等待时长</translation>
    </message>
    <message>
        <source>Claimed by</source>
        <translation>受理人</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Claimed</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Waiting longer than %1 min</source>
        <translation>等待超过 %1 分钟</translation>
    </message>
</context>
<context>
    <name>EscalationPage</name>
    <message>
        <source>Show in the hall</source>
        <translation>在考场中显示</translation>
    </message>
    <message>
        <source>Select the candidate in the hall&apos;s table and open the detail</source>
        <translation>在考场表格中选中该考生并打开详情</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Reopen paper…</source>
        <translation>重新开放试卷…</translation>
    </message>
    <message>
        <source>Reset lock count…</source>
        <translation>清零锁定次数…</translation>
    </message>
    <message>
        <source>Extend time…</source>
        <translation>延长时间…</translation>
    </message>
    <message>
        <source>Add a comment…</source>
        <translation>添加备注…</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Resolution: what was done…</source>
        <translation>处理结果：做了什么…</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>解决</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Write the resolution first: what was done.</source>
        <translation>请先填写处理结果：做了什么。</translation>
    </message>
    <message>
        <source>No escalation selected</source>
        <translation>未选择上报事项</translation>
    </message>
    <message>
        <source>%1 — seat %2 · %3 %4 · %5</source>
        <translation>%1 — 座位 %2 · %3 %4 · %5</translation>
    </message>
    <message>
        <source>Note from %1: %2</source>
        <translation>%1 的备注：%2</translation>
    </message>
    <message>
        <source>No note.</source>
        <translation>无备注。</translation>
    </message>
    <message>
        <source>Comments (%1)</source>
        <translation>备注（%1）</translation>
    </message>
    <message>
        <source>Candidate&apos;s timeline (%1)</source>
        <translation>考生经过（%1）</translation>
    </message>
    <message>
        <source>%1 · raised by %2 at %3</source>
        <translation>%1 · 由 %2 于 %3 上报</translation>
    </message>
    <message>
        <source>waiting %1</source>
        <translation>已等待 %1</translation>
    </message>
    <message>
        <source>claimed by %1 at %2</source>
        <translation>由 %1 于 %2 受理</translation>
    </message>
    <message>
        <source>resolved by %1 at %2: %3</source>
        <translation>由 %1 于 %2 解决：%3</translation>
    </message>
    <message>
        <source>The candidate is not in the open session&apos;s view.</source>
        <translation>该考生不在当前打开的考试场次中。</translation>
    </message>
    <message>
        <source>locks %1/%2</source>
        <translation>锁定 %1/%2</translation>
    </message>
    <message>
        <source>answered %1/%2</source>
        <translation>已答 %1/%2</translation>
    </message>
    <message>
        <source>ends %1</source>
        <translation>结束于 %1</translation>
    </message>
    <message>
        <source>receipt %1 at %2</source>
        <translation>回执 %1，时间 %2</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>手机</translation>
    </message>
</context>
<context>
    <name>EscalationQueue</name>
    <message>
        <source>Filter: candidate, seat, hall, who…</source>
        <translation>筛选：考生、座位、考场、人员…</translation>
    </message>
    <message>
        <source>Not resolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Every category</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>red after </source>
        <translation>标红时限 </translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>An open escalation&apos;s age turns red after this many minutes</source>
        <translation>未处理的上报事项等待超过此分钟数后标红</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>%1 shown · %2 waiting</source>
        <translation>显示 %1 条 · %2 条待处理</translation>
    </message>
</context>
<context>
    <name>ForceSubmitDialog</name>
    <message>
        <source>Caught cheating (evidence kept)</source>
        <translation>发现作弊（已留存证据）</translation>
    </message>
    <message>
        <source>Left the hall without submitting</source>
        <translation>未交卷离开考场</translation>
    </message>
    <message>
        <source>Another person answered for the candidate</source>
        <translation>他人代答</translation>
    </message>
    <message>
        <source>Submit %1 paper(s) now?</source>
        <translation>现在强制交卷 %1 份？</translation>
    </message>
    <message>
        <source>The paper is submitted with the answers saved so far; the candidate cannot answer any more. Only support staff can reopen it. Your name and the reason are recorded.</source>
        <translation>试卷将按已保存的答案提交；考生不能再作答。只有技术支持人员可以重新开放。您的姓名和原因将被记录。</translation>
    </message>
    <message>
        <source>Why (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>To confirm, type the number of papers (%1):</source>
        <translation>请输入试卷份数（%1）以确认：</translation>
    </message>
    <message>
        <source>Submit %1 paper(s)</source>
        <translation>强制交卷 %1 份</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
</context>
<context>
    <name>HallMonitor</name>
    <message>
        <source>Needs you now</source>
        <extracomment>The counts a proctor reads: states first, then the flags worth a glance.</extracomment>
        <translation>需要您处理</translation>
    </message>
    <message>
        <source>Filter by seat, candidate no. or name (Ctrl+F or /)</source>
        <translation>按座位、准考证号或姓名筛选（Ctrl+F 或 /）</translation>
    </message>
    <message>
        <source>Seat map</source>
        <translation>座位图</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>趋势图</translation>
    </message>
    <message>
        <source>Exam code %1</source>
        <translation>考试码 %1</translation>
    </message>
    <message>
        <source>Time is up</source>
        <translation>考试时间已到</translation>
    </message>
    <message>
        <source>Time left %1</source>
        <translation>剩余时间 %1</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Reconnecting at %1</source>
        <translation>将于 %1 重新连接</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <source>STALE since %1</source>
        <translation>数据过时，自 %1 起</translation>
    </message>
    <message>
        <source>data from %1</source>
        <translation>数据时间 %1</translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>显示 %1 / %2</translation>
    </message>
    <message>
        <source>Needs you now (%1)</source>
        <translation>需要您处理（%1）</translation>
    </message>
</context>
<context>
    <name>KeysHelp</name>
    <message>
        <source>Filter the table (seat, candidate no., name)</source>
        <translation>筛选表格（座位、准考证号、姓名）</translation>
    </message>
    <message>
        <source>Clear the filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Next / previous candidate that needs you</source>
        <translation>下一个 / 上一个需处理的考生</translation>
    </message>
    <message>
        <source>Unlock the selected candidates (push to the phone)</source>
        <translation>解锁所选考生（推送到手机）</translation>
    </message>
    <message>
        <source>Issue a one-time unlock code to type on the phone</source>
        <translation>生成一次性解锁码，在手机上输入</translation>
    </message>
    <message>
        <source>Acknowledge a help request (you are on the way)</source>
        <translation>响应求助（告知考生您正在前往）</translation>
    </message>
    <message>
        <source>Issue an offline unlock code (the phone checks it without network)</source>
        <translation>生成离线解锁码（手机无需网络即可校验）</translation>
    </message>
    <message>
        <source>Send a message to the selected candidates&apos; phones</source>
        <translation>向所选考生的手机发送消息</translation>
    </message>
    <message>
        <source>Escalate to support</source>
        <translation>上报客服</translation>
    </message>
    <message>
        <source>Details of the selected candidate</source>
        <translation>所选考生的详情</translation>
    </message>
    <message>
        <source>Refresh (new snapshot, re-sort)</source>
        <translation>刷新（重新获取数据并排序）</translation>
    </message>
    <message>
        <source>Unlock every phone of a lock storm that is still locked (one reason)</source>
        <translation>解锁集中锁屏中仍被锁定的所有手机（同一原因）</translation>
    </message>
    <message>
        <source>Show or hide the escalations queue</source>
        <translation>显示或隐藏上报队列</translation>
    </message>
    <message>
        <source>Show or hide the audit log (support and leads)</source>
        <translation>显示或隐藏审计日志（技术支持与负责人）</translation>
    </message>
    <message>
        <source>Exam sessions</source>
        <translation>考试场次</translation>
    </message>
    <message>
        <source>Settings (thresholds, language, sound, text size)</source>
        <translation>设置（阈值、语言、声音、字号）</translation>
    </message>
    <message>
        <source>This list of keys</source>
        <translation>本快捷键列表</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Not joined</source>
        <translation>未进入</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>已进入</translation>
    </message>
    <message>
        <source>Info pending</source>
        <translation>待填信息</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Answering</source>
        <translation>答题中</translation>
    </message>
    <message>
        <source>LOCKED</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Submitting</source>
        <translation>交卷中</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已交卷</translation>
    </message>
    <message>
        <source>Auto-submitted</source>
        <translation>已自动交卷</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Asks for help</source>
        <translation>请求帮助</translation>
    </message>
    <message>
        <source>Last chance</source>
        <translation>最后一次机会</translation>
    </message>
    <message>
        <source>Stuck submitting</source>
        <translation>交卷卡住</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Battery low</source>
        <translation>电量低</translation>
    </message>
    <message>
        <source>Battery won&apos;t last</source>
        <translation>电量撑不到结束</translation>
    </message>
    <message>
        <source>Weak network</source>
        <translation>网络差</translation>
    </message>
    <message>
        <source>Outdated device</source>
        <translation>设备不达标</translation>
    </message>
    <message>
        <source>Device changed</source>
        <translation>更换设备</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Unlock (U)</source>
        <translation>解锁 (U)</translation>
    </message>
    <message>
        <source>Go to the seat (acknowledge)</source>
        <translation>前往座位（响应求助）</translation>
    </message>
    <message>
        <source>Warn: one more lock submits</source>
        <translation>提醒：再锁定一次将自动交卷</translation>
    </message>
    <message>
        <source>Open details (Enter)</source>
        <translation>打开详情 (Enter)</translation>
    </message>
    <message>
        <source>Check the phone&apos;s network</source>
        <translation>检查手机网络</translation>
    </message>
    <message>
        <source>Bring a charger</source>
        <translation>送充电器</translation>
    </message>
    <message>
        <source>Move to Wi-Fi or 4G</source>
        <translation>改用 Wi-Fi 或 4G</translation>
    </message>
    <message>
        <source>Escalate if wrong (E)</source>
        <translation>如有异常请上报 (E)</translation>
    </message>
    <message>
        <source>Check the seat</source>
        <translation>查看座位</translation>
    </message>
    <message>
        <source>Help fill in the info</source>
        <translation>协助填写信息</translation>
    </message>
    <message>
        <source>Update the app / change phone</source>
        <translation>更新应用 / 更换手机</translation>
    </message>
    <message>
        <source>Check the candidate&apos;s phone</source>
        <translation>检查考生的手机</translation>
    </message>
    <message>
        <source>Wait for support</source>
        <translation>等待客服处理</translation>
    </message>
    <message>
        <source>left the app</source>
        <translation>切出应用</translation>
    </message>
    <message>
        <source>phone call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>screenshot</source>
        <translation>截屏</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1分%2秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分</translation>
    </message>
</context>
<context>
    <name>LiveChart</name>
    <message>
        <source>answering</source>
        <translation>答题中</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>已交卷</translation>
    </message>
</context>
<context>
    <name>LiveHall</name>
    <message>
        <source>unlocked ✓</source>
        <extracomment>How long &quot;unlocked ✓&quot; stays on a row after the phone confirmed. What raises a tray notification (console.md): a new lock, a stuck submission, an auto-submit. attempt_id: the phone confirmed an unlock the console sent (attempt_id, flag name): a new lock, stuck submission or auto-submit (for a notification)</extracomment>
        <translation>已解锁 ✓</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Cannot reach the server at %1. Check the address and the network.</source>
        <translation>无法连接服务器 %1。请检查地址和网络。</translation>
    </message>
    <message>
        <source>The server&apos;s TLS certificate was rejected. If your organisation uses its own certificate authority, choose its CA bundle (PEM) below.</source>
        <translation>服务器的 TLS 证书未通过验证。如果贵单位使用自己的证书颁发机构，请在下方选择其 CA 证书包（PEM）。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>This account is locked for now after repeated failed sign-ins. Wait a few minutes or ask an administrator.</source>
        <translation>多次登录失败，该账号已暂时锁定。请等几分钟或联系管理员。</translation>
    </message>
    <message>
        <source>%1 does not answer as a Proctor Console exam service (API v1), or the server is too old for this console. Check the address and the port.</source>
        <translation>%1 不是监考控制台考试服务（API v1），或服务器版本过旧。请检查地址和端口。</translation>
    </message>
    <message>
        <source>This account may not use the console.</source>
        <translation>该账号无权使用控制台。</translation>
    </message>
    <message>
        <source>Signing in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Your sign-in is kept in %1.</source>
        <translation>登录凭据保存在%1。</translation>
    </message>
    <message>
        <source>No system keyring works on this computer: your sign-in is kept in memory for this run only, and you will sign in again next time.</source>
        <translation>这台电脑上没有可用的系统密钥环：登录凭据仅在本次运行中保存在内存里，下次需要重新登录。</translation>
    </message>
    <message>
        <source>CA bundle (PEM)</source>
        <translation>CA 证书包（PEM）</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt);;All files (*)</source>
        <translation>证书 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Your saved sign-in has expired: enter your password.</source>
        <translation>保存的登录已过期：请输入密码。</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <source>memory, for this run only</source>
        <translation>内存（仅本次运行）</translation>
    </message>
    <message>
        <source>Proctor Console — Sign in</source>
        <translation>监考控制台 — 登录</translation>
    </message>
    <message>
        <source>Sign in to the exam service</source>
        <translation>登录考试服务</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>服务器(&amp;S)：</translation>
    </message>
    <message>
        <source>https://exam.example.org</source>
        <translation>https://exam.example.org</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>在这台电脑上记住我(&amp;R)</translation>
    </message>
    <message>
        <source>CA bundle:</source>
        <translation>CA 证书包：</translation>
    </message>
    <message>
        <source>system certificates</source>
        <translation>系统证书</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Candidate</source>
        <translation>考生</translation>
    </message>
    <message>
        <source>Unlock the lock &amp;storm…</source>
        <translation>解锁集中锁屏(&amp;S)…</translation>
    </message>
    <message>
        <source>Proctor Console — %1 (%2)</source>
        <translation>监考控制台 — %1（%2）</translation>
    </message>
    <message>
        <source>Select a locked candidate first (N jumps to the next one).</source>
        <translation>请先选择一名被锁定的考生（按 N 跳到下一个）。</translation>
    </message>
    <message>
        <source>Unlock failed: %1</source>
        <translation>解锁失败：%1</translation>
    </message>
    <message>
        <source>unlock sent…</source>
        <translation>已发送解锁…</translation>
    </message>
    <message>
        <source>Unlock sent to %1 phone(s); waiting for them to confirm.</source>
        <translation>已向 %1 部手机发送解锁，等待确认。</translation>
    </message>
    <message>
        <source>%1 could not be unlocked (no longer locked?).</source>
        <translation>%1 人未能解锁（可能已不再锁定）。</translation>
    </message>
    <message>
        <source>No code issued: %1</source>
        <translation>未能生成解锁码：%1</translation>
    </message>
    <message>
        <source>The service issued no code.</source>
        <translation>服务未生成解锁码。</translation>
    </message>
    <message>
        <source>code issued…</source>
        <translation>已生成解锁码…</translation>
    </message>
    <message>
        <source>The simulated phone did not take the code: %1</source>
        <translation>模拟手机未接受解锁码：%1</translation>
    </message>
    <message>
        <source>%1: unlocked ✓</source>
        <translation>%1：已解锁 ✓</translation>
    </message>
    <message>
        <source>%1 phones locked in %2 s</source>
        <translation>%2 秒内 %1 台手机锁屏</translation>
    </message>
    <message>
        <source>Lock storm: %1 still locked — unlock all with one reason…</source>
        <translation>集中锁屏：仍有 %1 台被锁定 — 以同一原因全部解锁…</translation>
    </message>
    <message>
        <source>No phone of the lock storm is still locked.</source>
        <translation>集中锁屏的手机已全部解锁。</translation>
    </message>
    <message>
        <source>%1: told the candidate you are on the way.</source>
        <translation>%1：已告知考生监考老师正在前往。</translation>
    </message>
    <message>
        <source>Select a candidate first.</source>
        <translation>请先选择一名考生。</translation>
    </message>
    <message>
        <source>Escalation failed: %1</source>
        <translation>上报失败：%1</translation>
    </message>
    <message>
        <source>Escalated to support: %1</source>
        <translation>已上报客服：%1</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>asking…</source>
        <translation>查询中…</translation>
    </message>
    <message>
        <source>Proctor Console %1</source>
        <translation>监考控制台 %1</translation>
    </message>
    <message>
        <source>Speaks API version %1</source>
        <translation>使用 API 版本 %1</translation>
    </message>
    <message>
        <source>Server %1: API version %2</source>
        <translation>服务器 %1：API 版本 %2</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>未提供</translation>
    </message>
    <message>
        <source>unknown (%1)</source>
        <translation>未知（%1）</translation>
    </message>
    <message>
        <source>Proctor Console</source>
        <translation>监考控制台</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Candidate</source>
        <translation>考生(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Sessions…</source>
        <translation>考试场次(&amp;S)…</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Filter…</source>
        <translation>筛选(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Clear filters</source>
        <translation>清除筛选(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Next flagged candidate</source>
        <translation>下一个需处理的考生(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous flagged candidate</source>
        <translation>上一个需处理的考生(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Details</source>
        <translation>详情(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Unlock…</source>
        <translation>解锁(&amp;U)…</translation>
    </message>
    <message>
        <source>Issue unlock &amp;code…</source>
        <translation>生成解锁码(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Acknowledge help request</source>
        <translation>响应求助(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Escalate to support…</source>
        <translation>上报客服(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Keys</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
</context>
<context>
    <name>MessageDialog</name>
    <message>
        <source>Message to %1 phone(s)</source>
        <translation>向 %1 部手机发送消息</translation>
    </message>
    <message>
        <source>Send to:</source>
        <translation>发送给：</translation>
    </message>
    <message>
        <source>Choose a preset above, or write the message here</source>
        <translation>在上方选择预设消息，或在此输入</translation>
    </message>
    <message>
        <source>Keep as preset</source>
        <translation>存为预设</translation>
    </message>
    <message>
        <source>Remove preset</source>
        <translation>删除预设</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>The phone shows it with its next heartbeat (5–10 s); the console shows when it was delivered.</source>
        <translation>手机在下一次心跳（5–10 秒）时显示消息；控制台会显示送达时间。</translation>
    </message>
    <message>
        <source>%1 of these phones are offline now: they get the message when they are back.</source>
        <translation>其中 %1 部手机目前离线：恢复联网后才会收到消息。</translation>
    </message>
    <message>
        <source>(choose a preset)</source>
        <translation>（选择预设消息）</translation>
    </message>
    <message>
        <source>%1/%2 characters</source>
        <translation>%1/%2 字</translation>
    </message>
</context>
<context>
    <name>PhoneTalk</name>
    <message>
        <source>and %1 more</source>
        <translation>另有 %1 人</translation>
    </message>
    <message>
        <source>&amp;Message to the phone…</source>
        <translation>发送消息到手机(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Force-submit the paper…</source>
        <translation>强制交卷(&amp;F)…</translation>
    </message>
    <message>
        <source>Issue an &amp;offline unlock code…</source>
        <translation>生成离线解锁码(&amp;O)…</translation>
    </message>
    <message>
        <source>Message (M)</source>
        <translation>发消息 (M)</translation>
    </message>
    <message>
        <source>Force-submit…</source>
        <translation>强制交卷…</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Select a candidate who has joined first.</source>
        <translation>请先选择已进入考试的考生。</translation>
    </message>
    <message>
        <source>Message sent to %1 phone(s); it shows with their next heartbeat.</source>
        <translation>消息已发送到 %1 部手机，将在下一次心跳时显示。</translation>
    </message>
    <message>
        <source>Message not sent: %1</source>
        <translation>消息未发送：%1</translation>
    </message>
    <message>
        <source>%1: message delivered ✓</source>
        <translation>%1：消息已送达 ✓</translation>
    </message>
    <message>
        <source>Select a candidate whose paper is still open first.</source>
        <translation>请先选择试卷尚未提交的考生。</translation>
    </message>
    <message>
        <source>%1 paper(s) submitted with the answers saved so far.</source>
        <translation>已按已保存的答案提交 %1 份试卷。</translation>
    </message>
    <message>
        <source>Not submitted: %1</source>
        <translation>未能交卷：%1</translation>
    </message>
</context>
<context>
    <name>Replay</name>
    <message>
        <source>◀ Previous lock</source>
        <translation>◀ 上一次锁定</translation>
    </message>
    <message>
        <source>Next lock ▶</source>
        <translation>下一次锁定 ▶</translation>
    </message>
    <message>
        <source>Hall:</source>
        <translation>考场：</translation>
    </message>
    <message>
        <source>This service does not give the session&apos;s event log: there is nothing to replay.</source>
        <translation>该服务不提供考试场次的事件记录：无法回放。</translation>
    </message>
    <message>
        <source>At %1</source>
        <translation>时间 %1</translation>
    </message>
</context>
<context>
    <name>ReportPdf</name>
    <message>
        <source>%1 — page %2</source>
        <translation>%1 — 第 %2 页</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>nothing to show</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Exam report</source>
        <translation>考试报告</translation>
    </message>
    <message>
        <source>Key figures</source>
        <translation>主要指标</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Lock to unlock by proctor</source>
        <translation>各监考老师的锁定到解锁用时</translation>
    </message>
    <message>
        <source>Halls side by side</source>
        <translation>各考场对比</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>%1 s</source>
        <translation>%1秒</translation>
    </message>
    <message>
        <source>the server held the paper</source>
        <translation>服务器已收到试卷</translation>
    </message>
    <message>
        <source>resubmitted</source>
        <translation>重新交卷</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>auto-submitted</source>
        <translation>自动交卷</translation>
    </message>
    <message>
        <source>unresolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <source>push</source>
        <translation>推送</translation>
    </message>
    <message>
        <source>code typed on the phone</source>
        <translation>在手机上输入解锁码</translation>
    </message>
    <message>
        <source>offline code</source>
        <translation>离线解锁码</translation>
    </message>
    <message>
        <source>Rostered</source>
        <translation>名单人数</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>已进入</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>缺考</translation>
    </message>
    <message>
        <source>Submitted normally</source>
        <translation>正常交卷</translation>
    </message>
    <message>
        <source>Auto-submitted at the lock limit</source>
        <translation>锁定次数达上限自动交卷</translation>
    </message>
    <message>
        <source>Auto-submitted at the time limit</source>
        <translation>时间到自动交卷</translation>
    </message>
    <message>
        <source>Submitted by a proctor</source>
        <translation>监考老师代为交卷</translation>
    </message>
    <message>
        <source>Not submitted</source>
        <translation>未交卷</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>交卷回执</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>已重新开放</translation>
    </message>
    <message>
        <source>Locks</source>
        <translation>锁定次数</translation>
    </message>
    <message>
        <source>Unlocks</source>
        <translation>解锁次数</translation>
    </message>
    <message>
        <source>Lock to unlock, median</source>
        <translation>锁定到解锁用时（中位数）</translation>
    </message>
    <message>
        <source>Lock to unlock, 90th percentile</source>
        <translation>锁定到解锁用时（第 90 百分位）</translation>
    </message>
    <message>
        <source>Stuck submissions</source>
        <translation>交卷卡住</translation>
    </message>
    <message>
        <source>Candidates with low battery</source>
        <translation>电量低的考生</translation>
    </message>
    <message>
        <source>Candidates on a weak network</source>
        <translation>网络差的考生</translation>
    </message>
    <message>
        <source>Times a phone went offline</source>
        <translation>手机离线次数</translation>
    </message>
    <message>
        <source>Device changes</source>
        <translation>更换设备</translation>
    </message>
    <message>
        <source>Help requests</source>
        <translation>求助次数</translation>
    </message>
    <message>
        <source>Escalations</source>
        <translation>上报事项</translation>
    </message>
    <message>
        <source>Escalation resolved in, median</source>
        <translation>上报解决用时（中位数）</translation>
    </message>
    <message>
        <source>Locks per candidate</source>
        <translation>每名考生的锁定次数</translation>
    </message>
    <message>
        <source>locks</source>
        <translation>锁定次数</translation>
    </message>
    <message>
        <source>candidates</source>
        <translation>考生数</translation>
    </message>
    <message>
        <source>Lock reasons</source>
        <translation>锁定原因</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Submissions per minute (UTC)</source>
        <translation>每分钟交卷数（UTC）</translation>
    </message>
    <message>
        <source>minute</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>papers</source>
        <translation>试卷数</translation>
    </message>
    <message>
        <source>Lock to unlock by proctor (seconds)</source>
        <translation>各监考老师的锁定到解锁用时（秒）</translation>
    </message>
    <message>
        <source>proctor</source>
        <translation>监考老师</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>90th percentile</source>
        <translation>第 90 百分位</translation>
    </message>
    <message>
        <source>Proctor</source>
        <translation>监考老师</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>Stuck submissions and how they ended</source>
        <translation>交卷卡住及其结果</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Candidates</source>
        <translation>考生</translation>
    </message>
    <message>
        <source>Unlocks by way</source>
        <translation>按方式统计解锁</translation>
    </message>
    <message>
        <source>Way</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Escalations by category</source>
        <translation>按类别统计上报</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Exam code: %1</source>
        <translation>考试码：%1</translation>
    </message>
    <message>
        <source>Starts: %1 (UTC), %2 minutes</source>
        <translation>开始：%1（UTC），%2 分钟</translation>
    </message>
    <message>
        <source>Halls: %1</source>
        <translation>考场：%1</translation>
    </message>
    <message>
        <source>Report made at %1</source>
        <translation>报告生成于 %1</translation>
    </message>
    <message>
        <source>%1 times; median %2, 90th percentile %3</source>
        <translation>%1 次；中位数 %2，第 90 百分位 %3</translation>
    </message>
    <message>
        <source>nothing to show</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>All halls</source>
        <translation>全部考场</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Lock to unlock by proctor</source>
        <translation>各监考老师的锁定到解锁用时</translation>
    </message>
    <message>
        <source>Halls side by side</source>
        <translation>各考场对比</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Review — %1</source>
        <translation>复盘 — %1</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>复盘(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Summary…</source>
        <translation>汇总(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Replay…</source>
        <translation>回放(&amp;R)…</translation>
    </message>
    <message>
        <source>Open a session first.</source>
        <translation>请先打开一场考试。</translation>
    </message>
    <message>
        <source>Loading the exam&apos;s event log…</source>
        <translation>正在加载本场考试的事件记录…</translation>
    </message>
    <message>
        <source>Cannot load the review: %1</source>
        <translation>无法加载复盘：%1</translation>
    </message>
    <message>
        <source>Review of %1 loaded.</source>
        <translation>已加载 %1 的复盘。</translation>
    </message>
</context>
<context>
    <name>SeatMap</name>
    <message>
        <source>absent</source>
        <translation>未进</translation>
    </message>
    <message>
        <source>joined</source>
        <translation>已进</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>答题</translation>
    </message>
    <message>
        <source>LOCK</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>交卷中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已交</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动交</translation>
    </message>
</context>
<context>
    <name>SentMessagesView</name>
    <message>
        <source>Sent</source>
        <translation>发送时间</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>考生</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>sent, waiting for the phone…</source>
        <translation>已发送，等待手机接收…</translation>
    </message>
    <message>
        <source>delivered %1 ✓</source>
        <translation>%1 已送达 ✓</translation>
    </message>
</context>
<context>
    <name>SessionListDialog</name>
    <message>
        <source>Proctor Console — Exam sessions</source>
        <translation>监考控制台 — 考试场次</translation>
    </message>
    <message>
        <source>Choose a session, or type its 6-digit exam code anywhere in this window.</source>
        <translation>请选择考试场次，或在本窗口任意位置输入6位考试码。</translation>
    </message>
</context>
<context>
    <name>SessionPicker</name>
    <message>
        <source>Loading sessions…</source>
        <translation>正在加载考试场次…</translation>
    </message>
    <message>
        <source>%1 — exam code %2 — starts %3 — %4</source>
        <translation>%1 — 考试码 %2 — 开始 %3 — %4</translation>
    </message>
    <message>
        <source>No exam session is open to you.</source>
        <translation>没有您可以查看的考试场次。</translation>
    </message>
    <message>
        <source>Exam code: %1</source>
        <translation>考试码：%1</translation>
    </message>
    <message>
        <source>No session of yours has exam code %1.</source>
        <translation>您的考试场次中没有考试码 %1。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>When to flag a candidate</source>
        <translation>何时标记考生</translation>
    </message>
    <message>
        <source>Offline after no heartbeat for (s):</source>
        <translation>无心跳多久视为离线（秒）：</translation>
    </message>
    <message>
        <source>Stuck submitting after (s):</source>
        <translation>交卷多久视为卡住（秒）：</translation>
    </message>
    <message>
        <source>Battery low below (%):</source>
        <translation>电量低于（%）：</translation>
    </message>
    <message>
        <source>Not joined after the start by (s):</source>
        <translation>开考后多久未进入（秒）：</translation>
    </message>
    <message>
        <source>Heartbeats irregular when apart by (s):</source>
        <translation>心跳间隔超过（秒）视为不稳定：</translation>
    </message>
    <message>
        <source>Language (after restart):</source>
        <translation>语言（重启后生效）：</translation>
    </message>
    <message>
        <source>CA bundle:</source>
        <translation>CA 证书包：</translation>
    </message>
    <message>
        <source>system certificates</source>
        <translation>系统证书</translation>
    </message>
    <message>
        <source>Larger text for a hall screen:</source>
        <translation>考场大屏用大字号：</translation>
    </message>
    <message>
        <source>Sound with each new lock, stuck submission or auto-submit</source>
        <translation>新的锁定、交卷卡住或自动交卷时发出提示音</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>SupportActionDialog</name>
    <message>
        <source>e.g. shows submitted, but the candidate did not submit (checked with the proctor)</source>
        <translation>例如：显示已交卷，但考生并未交卷（已与监考老师核实）</translation>
    </message>
    <message>
        <source>e.g. locks caused by a device fault, not by the candidate</source>
        <translation>例如：锁定是设备故障造成的，不是考生所为</translation>
    </message>
    <message>
        <source>e.g. time lost to a device or network failure</source>
        <translation>例如：因设备或网络故障耽误的时间</translation>
    </message>
    <message>
        <source>The submitted paper is set aside and the candidate can answer again.</source>
        <translation>已提交的试卷将作废，考生可以重新作答。</translation>
    </message>
    <message>
        <source>The paper with receipt %1 is set aside: the candidate answers again (state Answering) until %2 and must submit again. Answers saved so far are kept.</source>
        <translation>回执为 %1 的试卷将作废：考生重新作答（状态为答题中）至 %2，并须再次交卷。已保存的答案会保留。</translation>
    </message>
    <message>
        <source>The auto-submitted paper is set aside: the candidate answers again (state Answering) until %2 and must submit again. Answers saved so far are kept.</source>
        <translation>已自动提交的试卷将作废：考生重新作答（状态为答题中）至 %2，并须再次交卷。已保存的答案会保留。</translation>
    </message>
    <message>
        <source>The lock count goes back to 0.</source>
        <translation>锁定次数将清零。</translation>
    </message>
    <message>
        <source>The lock count goes from %1/%2 back to 0/%2.</source>
        <translation>锁定次数将从 %1/%2 清零为 0/%2。</translation>
    </message>
    <message>
        <source>The attempt gets %1 more minutes.</source>
        <translation>该考生的考试时间延长 %1 分钟。</translation>
    </message>
    <message>
        <source>The attempt gets %1 more minutes: its end moves from %2 to %3.</source>
        <translation>该考生的考试时间延长 %1 分钟：结束时间从 %2 改为 %3。</translation>
    </message>
    <message>
        <source>Reopen the submitted paper?</source>
        <translation>重新开放已提交的试卷？</translation>
    </message>
    <message>
        <source>Reset the lock count?</source>
        <translation>清零锁定次数？</translation>
    </message>
    <message>
        <source>Extend the time?</source>
        <translation>延长考试时间？</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新开放</translation>
    </message>
    <message>
        <source>Reset locks</source>
        <translation>清零锁定次数</translation>
    </message>
    <message>
        <source>Extend</source>
        <translation>延长</translation>
    </message>
    <message>
        <source>Support action</source>
        <translation>客服操作</translation>
    </message>
    <message>
        <source>&amp;Minutes to add:</source>
        <translation>延长分钟数(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Reason (required, recorded in the audit):</source>
        <translation>原因（必填，记入审计）(&amp;R)：</translation>
    </message>
</context>
<context>
    <name>SupportViews</name>
    <message>
        <source>Escalations</source>
        <translation>上报事项</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <source>&amp;Escalations</source>
        <translation>上报事项(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>审计(&amp;A)</translation>
    </message>
    <message>
        <source>New escalation: %1 — seat %2 · %3 %4 (%5)</source>
        <translation>新上报：%1 — 座位 %2 · %3 %4（%5）</translation>
    </message>
    <message>
        <source>Proctor Console</source>
        <translation>监考控制台</translation>
    </message>
    <message>
        <source>Not claimed: %1</source>
        <translation>未能受理：%1</translation>
    </message>
    <message>
        <source>Claimed: it is yours now.</source>
        <translation>已受理：此事项由您处理。</translation>
    </message>
    <message>
        <source>Comment not saved: %1</source>
        <translation>备注未保存：%1</translation>
    </message>
    <message>
        <source>Comment saved.</source>
        <translation>备注已保存。</translation>
    </message>
    <message>
        <source>Not resolved: %1</source>
        <translation>未能解决：%1</translation>
    </message>
    <message>
        <source>Resolved.</source>
        <translation>已解决。</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>未完成：%1</translation>
    </message>
    <message>
        <source>Paper reopened: the candidate can answer again.</source>
        <translation>试卷已重新开放：考生可以继续作答。</translation>
    </message>
    <message>
        <source>Lock count reset to 0.</source>
        <translation>锁定次数已清零。</translation>
    </message>
    <message>
        <source>Time extended by %1 min.</source>
        <translation>已延长 %1 分钟。</translation>
    </message>
</context>
<context>
    <name>UnlockCodeDialog</name>
    <message>
        <source>One-time unlock code</source>
        <translation>一次性解锁码</translation>
    </message>
    <message>
        <source>Type this code on the candidate&apos;s phone. It works once, for this lock only.</source>
        <translation>请在考生手机上输入此解锁码。仅本次锁定有效，只能使用一次。</translation>
    </message>
</context>
<context>
    <name>UnlockCodeView</name>
    <message>
        <source>Sent to the simulated phone; it is typing it now…</source>
        <translation>已发送到模拟手机，正在输入…</translation>
    </message>
    <message>
        <source>Waiting for the phone to confirm…</source>
        <translation>等待手机确认…</translation>
    </message>
    <message>
        <source>The phone is unlocked ✓</source>
        <translation>手机已解锁 ✓</translation>
    </message>
    <message>
        <source>Offline code: valid for this lock only. The phone checks it without network.</source>
        <translation>离线解锁码：仅对本次锁定有效。手机无需网络即可自行校验。</translation>
    </message>
    <message>
        <source>Valid for 5 minutes</source>
        <translation>5 分钟内有效</translation>
    </message>
    <message>
        <source>Expired: issue a new code (C)</source>
        <translation>已过期：请重新生成解锁码 (C)</translation>
    </message>
    <message>
        <source>Expires in %1:%2</source>
        <translation>%1:%2 后失效</translation>
    </message>
</context>
<context>
    <name>UnlockConfirm</name>
    <message>
        <source>and %1 more</source>
        <translation>另有 %1 人</translation>
    </message>
    <message>
        <source>Unlock %1 candidate(s) now?</source>
        <translation>立即解锁 %1 名考生？</translation>
    </message>
    <message>
        <source>The unlock reaches the phone with its next heartbeat (5–10 s).</source>
        <translation>解锁指令将随手机下一次心跳送达（5–10 秒）。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>The phone is offline: issue an offline unlock code?</source>
        <translation>手机已离线：生成离线解锁码？</translation>
    </message>
    <message>
        <source>The phone checks this code itself, without network, for this lock only; it reports the unlock when it is back online.</source>
        <translation>手机无需联网即可自行校验此解锁码，仅本次锁定有效；恢复联网后会上报解锁。</translation>
    </message>
    <message>
        <source>Issue a one-time unlock code?</source>
        <translation>生成一次性解锁码？</translation>
    </message>
    <message>
        <source>You will type the code on the phone; it is valid for 5 minutes.</source>
        <translation>您将在手机上输入解锁码，5 分钟内有效。</translation>
    </message>
    <message>
        <source>Issue code</source>
        <translation>生成解锁码</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Checked at the seat: allowed to continue</source>
        <translation>已到座位核实：允许继续作答</translation>
    </message>
    <message>
        <source>Locked by mistake (no rule broken)</source>
        <translation>误锁（未违规）</translation>
    </message>
    <message>
        <source>Phone call checked: allowed to continue</source>
        <translation>已核实来电：允许继续作答</translation>
    </message>
    <message>
        <source>Notification opened by accident</source>
        <translation>误点通知</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>&amp;Reason (recorded in the audit):</source>
        <translation>原因（记入审计）(&amp;R)：</translation>
    </message>
</context>
</TS>
